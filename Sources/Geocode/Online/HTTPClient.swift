import CCurl
import Foundation

/// An HTTP response as providers need it.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// The `Retry-After` header in seconds, when the server sent one.
    public var retryAfter: Double?
}

/// A failure to talk to a server, described for the user.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var url: String
    public var message: String
    public var description: String { "\(url): \(message)" }
}

/// Blocking HTTP requests over libcurl, one easy handle per request.
///
/// Requests run on the calling thread; providers call it from several threads at once.
public enum HTTPClient {
    /// Initialises libcurl once per process, before any thread uses it.
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    /// Sends a GET (or a POST when `body` is given) and returns the response, whatever
    /// its status; only transport failures throw.
    public static func send(
        url: String, body: [UInt8]? = nil, contentType: String? = nil,
        userAgent: String, timeout: Double
    ) throws(HTTPError) -> HTTPResponse {
        _ = initialised
        guard let handle = curl_easy_init() else {
            throw HTTPError(url: url, message: "libcurl could not start a request")
        }
        defer { curl_easy_cleanup(handle) }

        let collector = Collector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }

        glaneur_curl_set_string(handle, CURLOPT_URL, url)
        glaneur_curl_set_string(handle, CURLOPT_USERAGENT, userAgent)
        glaneur_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        glaneur_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 10) * 1000))
        glaneur_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        glaneur_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        glaneur_curl_set_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        glaneur_curl_set_write_function(handle, CURLOPT_WRITEFUNCTION) {
            data, size, count, context in
            guard let data, let context else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                collector.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
            return length
        }
        glaneur_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        glaneur_curl_set_write_function(handle, CURLOPT_HEADERFUNCTION) {
            data, size, count, context in
            guard let data, let context else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            let line = String(
                decoding: UnsafeRawBufferPointer(start: data, count: length),
                as: UTF8.self)
            if line.lowercased().hasPrefix("retry-after:") {
                let value = line.dropFirst("retry-after:".count)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                collector.retryAfter = Double(value)
            }
            return length
        }
        glaneur_curl_set_pointer(handle, CURLOPT_HEADERDATA, context)

        if let body {
            if let contentType {
                headers = curl_slist_append(headers, "Content-Type: \(contentType)")
                glaneur_curl_set_pointer(handle, CURLOPT_HTTPHEADER, headers)
            }
            glaneur_curl_set_long(handle, CURLOPT_POST, 1)
            glaneur_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            // COPYPOSTFIELDS copies the bytes, which only live during this call.
            body.withUnsafeBytes { bytes in
                _ = glaneur_curl_set_pointer(
                    handle, CURLOPT_COPYPOSTFIELDS,
                    UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
        }

        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            throw HTTPError(url: url, message: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        glaneur_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(
            status: status, body: collector.body,
            retryAfter: collector.retryAfter)
    }

    /// Percent-encodes a query parameter value.
    public static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    private final class Collector {
        var body: [UInt8] = []
        var retryAfter: Double?
    }
}
