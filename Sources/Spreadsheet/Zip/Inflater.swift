import CZlib

/// Why a deflated member could not be inflated.
struct InflateFailure: Error {
    var reason: String
}

/// Raw deflate decompression through zlib.
enum Inflater {
    static let checksumMismatch = "the member's checksum does not match (the file is damaged)"
    static let truncated =
        "the compressed data stops short (the file is truncated); ask for it again"
    static let corrupt =
        "the compressed data is corrupt (the file is damaged); ask for it again"

    /// Inflates raw deflate data (no zlib header) that must produce exactly
    /// `expectedSize` bytes, as the ZIP directory declares.
    static func inflateRaw(_ input: UnsafeBufferPointer<UInt8>, expectedSize: Int)
        -> Result<[UInt8], InflateFailure>
    {
        var stream = z_stream()
        guard glaneur_inflate_init_raw(&stream) == Z_OK else {
            return .failure(InflateFailure(reason: "zlib could not start inflating"))
        }
        defer { inflateEnd(&stream) }

        // One spare byte lets the loop notice data that inflates to more than declared.
        var output = [UInt8](repeating: 0, count: expectedSize + 1)
        var status = Z_OK
        output.withUnsafeMutableBufferPointer { out in
            guard let inputBase = input.baseAddress, let outputBase = out.baseAddress else {
                return
            }
            // zlib counts in 32-bit units, so huge members are fed in slices.
            let slice = Int(UInt32.max)
            var consumed = 0
            var produced = 0
            while status == Z_OK {
                if stream.avail_in == 0 && consumed < input.count {
                    let count = min(slice, input.count - consumed)
                    stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
                    stream.avail_in = UInt32(count)
                    consumed += count
                }
                if stream.avail_out == 0 && produced < out.count {
                    let count = min(slice, out.count - produced)
                    stream.next_out = outputBase + produced
                    stream.avail_out = UInt32(count)
                    produced += count
                }
                let before = (stream.total_in, stream.total_out)
                status = inflate(&stream, Z_NO_FLUSH)
                // No progress with all input given means the data stops short.
                if status == Z_OK, (stream.total_in, stream.total_out) == before {
                    status = Z_BUF_ERROR
                }
            }
        }

        switch status {
        case Z_STREAM_END where Int(stream.total_out) == expectedSize:
            output.removeLast()
            return .success(output)
        case Z_STREAM_END:
            return .failure(
                InflateFailure(
                    reason: "the member inflates to \(stream.total_out) bytes where the "
                        + "directory says \(expectedSize) (the file is damaged)"))
        case Z_BUF_ERROR where Int(stream.total_out) > expectedSize:
            return .failure(
                InflateFailure(
                    reason: "the member inflates to more than the \(expectedSize) bytes the "
                        + "directory declares (the file is damaged)"))
        case Z_BUF_ERROR:
            return .failure(
                InflateFailure(reason: truncated))
        default:
            return .failure(
                InflateFailure(reason: corrupt))
        }
    }
}

/// The CRC-32 that ZIP stores for every member.
enum Checksum {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc: UInt = CZlib.crc32(0, nil, 0)
            guard let base = buffer.baseAddress else { return UInt32(crc) }
            var offset = 0
            // zlib's length is 32-bit: large members go through in slices.
            while offset < buffer.count {
                let count = min(buffer.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, base + offset, UInt32(count))
                offset += count
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
