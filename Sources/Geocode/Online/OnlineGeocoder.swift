import Foundation
import SQLiteKit

/// Calls one provider with its rate limit, retries and a persistent cache.
///
/// Every answer (an empty one included) is written to the cache as soon as it arrives, so
/// an interrupted batch resumes where it stopped without asking the provider twice.
public final class OnlineGeocoder: @unchecked Sendable {
    public let provider: any OnlineProvider
    let cache: GeocodeCache
    public var userAgent: String
    public var timeout: Double
    public var maximumAttempts: Int
    private let limiter: RateLimiter

    public init(
        provider: any OnlineProvider, cache: GeocodeCache,
        userAgent: String = "glaneur/0.1 (producer map import)", timeout: Double = 10,
        maximumAttempts: Int = 4
    ) {
        self.provider = provider
        self.cache = cache
        self.userAgent = userAgent
        self.timeout = timeout
        self.maximumAttempts = maximumAttempts
        self.limiter = RateLimiter(minimumInterval: provider.minimumInterval)
    }

    /// The provider's answer for a query: from the cache, else from the server.
    ///
    /// - returns: nil when the provider knows no place for it.
    /// - throws: `HTTPError` when the server cannot be reached after every retry.
    public func answer(_ query: OnlineQuery) throws -> (answer: OnlineAnswer?, cached: Bool) {
        if let cached = cache.lookup(provider: provider.name, key: query.cacheKey) {
            return (cached, true)
        }
        let response = try send(url: provider.url(for: query))
        let answer = provider.parse(response.body)
        cache.store(provider: provider.name, key: query.cacheKey, answer: answer)
        return (answer, false)
    }

    /// Sends one request within the rate limit, retrying transport failures and the
    /// statuses that mean "later" (429, 502, 503, 504), honouring `Retry-After`.
    ///
    /// - returns: a successful (2xx) response.
    func send(url: String, body: [UInt8]? = nil, contentType: String? = nil)
        throws(HTTPError) -> HTTPResponse
    {
        var delay = 0.5
        for attempt in 1...maximumAttempts {
            limiter.wait()
            let response: HTTPResponse
            do {
                response = try HTTPClient.send(
                    url: url, body: body, contentType: contentType, userAgent: userAgent,
                    timeout: body == nil ? timeout : timeout * 30)
            } catch {
                // A transport failure (timeout, refused connection): back off and retry.
                guard attempt < maximumAttempts else { throw error }
                Thread.sleep(forTimeInterval: delay)
                delay *= 2
                continue
            }
            switch response.status {
            case 200..<300:
                return response
            case 429, 502, 503, 504:
                guard attempt < maximumAttempts else {
                    throw HTTPError(
                        url: url,
                        message: "HTTP \(response.status) after "
                            + "\(attempt) attempts; try again later")
                }
                Thread.sleep(forTimeInterval: response.retryAfter ?? delay)
                delay *= 2
            default:
                throw HTTPError(url: url, message: "HTTP \(response.status)")
            }
        }
        throw HTTPError(url: url, message: "no answer after \(maximumAttempts) attempts")
    }
}

/// Spaces requests out to a provider's rate, across threads.
final class RateLimiter: @unchecked Sendable {
    private let minimumInterval: Double
    private let lock = NSLock()
    private var next = Date.distantPast

    init(minimumInterval: Double) {
        self.minimumInterval = minimumInterval
    }

    func wait() {
        lock.lock()
        let now = Date()
        let slot = max(now, next)
        next = slot.addingTimeInterval(minimumInterval)
        lock.unlock()
        let pause = slot.timeIntervalSince(now)
        if pause > 0 { Thread.sleep(forTimeInterval: pause) }
    }
}

/// Answers of online providers kept in SQLite, keyed by provider and normalised query.
public final class GeocodeCache: @unchecked Sendable {
    private let database: Database
    private let lock = NSLock()

    /// The cache used when none is named: next to the default gazetteer store.
    public static var defaultPath: String {
        (GazetteerStore.defaultPath as NSString).deletingLastPathComponent
            + "/geocode-cache.sqlite"
    }

    public init(path: String = GeocodeCache.defaultPath) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, path != ":memory:" {
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        }
        database = try Database(path: path, busyTimeout: 30)
        if path != ":memory:" { try database.setJournalMode(.wal) }
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS answer(
                provider TEXT NOT NULL, query_key TEXT NOT NULL, found INTEGER NOT NULL,
                latitude REAL, longitude REAL, precision TEXT, score REAL, label TEXT,
                reference_id TEXT, answered_at TEXT NOT NULL,
                PRIMARY KEY(provider, query_key)) WITHOUT ROWID
            """)
    }

    /// The cached answer: `.some(nil)` for a query the provider could not place, nil for
    /// a query never asked.
    func lookup(provider: String, key: String) -> OnlineAnswer?? {
        lock.lock()
        defer { lock.unlock() }
        let row = try? database.firstRow(
            """
            SELECT found, latitude, longitude, precision, score, label, reference_id
            FROM answer WHERE provider = ? AND query_key = ?
            """, provider, key
        ) { row -> OnlineAnswer? in
            guard row.int(0) == 1 else { return nil }
            return OnlineAnswer(
                latitude: row.double(1), longitude: row.double(2),
                precision: Precision(rawValue: row.text(3)) ?? .none, score: row.double(4),
                label: row.text(5), referenceID: row.text(6))
        }
        return row
    }

    func store(provider: String, key: String, answer: OnlineAnswer?) {
        lock.lock()
        defer { lock.unlock() }
        // A cache write that fails costs one request next time, nothing more.
        try? database.execute(
            """
            INSERT OR REPLACE INTO answer(provider, query_key, found, latitude, longitude,
                precision, score, label, reference_id, answered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, provider, key, answer != nil, answer?.latitude, answer?.longitude,
            answer?.precision.rawValue, answer?.score, answer?.label, answer?.referenceID,
            ISO8601DateFormatter().string(from: Date()))
    }

    /// The number of answers kept for a provider.
    public func count(provider: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return
            (try? database.firstRow(
                "SELECT count(*) FROM answer WHERE provider = ?", provider
            ) { $0.int(0) }) ?? 0
    }
}
