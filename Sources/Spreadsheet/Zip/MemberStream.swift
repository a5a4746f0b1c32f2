import CZlib
import Foundation

/// An archive member's contents as an `InputStream`, inflated chunk by chunk as the XML
/// parser pulls them.
///
/// The parser only calls `open`, `read`, `close` and, after a failed read,
/// `streamError`; those are what this stream provides. Whatever goes wrong (corrupt or
/// truncated data, more bytes than declared, a CRC mismatch at the end) fails the read
/// and is kept in `failure` for the error message.
final class MemberStream: InputStream {
    private let compressed: UnsafeMutableBufferPointer<UInt8>
    private let isDeflated: Bool
    private let expectedSize: Int
    private let expectedCRC: UInt32

    private var zstream = z_stream()
    private var inflating = false
    private var consumed = 0
    private var produced = 0
    private var crc: UInt = CZlib.crc32(0, nil, 0)
    private var finished = false
    /// Why the stream failed, when it did.
    private(set) var failure: String?

    init(compressed: ArraySlice<UInt8>, isDeflated: Bool, expectedSize: Int, expectedCRC: UInt32) {
        // A copy the stream owns: zlib keeps pointers into its input between reads.
        self.compressed = UnsafeMutableBufferPointer.allocate(capacity: compressed.count)
        _ = self.compressed.initialize(from: compressed)
        self.isDeflated = isDeflated
        self.expectedSize = expectedSize
        self.expectedCRC = expectedCRC
        super.init(data: Data())
    }

    deinit {
        if inflating { inflateEnd(&zstream) }
        compressed.deallocate()
    }

    override func open() {}

    override func close() {}

    override var hasBytesAvailable: Bool { !finished && failure == nil }

    override var streamError: Error? {
        failure.map { NSError(domain: "Spreadsheet", code: 1, userInfo: ["reason": $0]) }
    }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        guard failure == nil else { return -1 }
        guard !finished, length > 0 else { return 0 }

        let count =
            isDeflated ? inflate(into: buffer, length: length) : copy(into: buffer, length: length)
        guard count >= 0 else { return -1 }

        crc = CZlib.crc32(crc, buffer, UInt32(count))
        produced += count
        if produced > expectedSize {
            return fail(
                "the member inflates to more than the \(expectedSize) bytes the directory "
                    + "declares (the file is damaged)")
        }
        if finished {
            guard produced == expectedSize else {
                return fail(
                    "the member inflates to \(produced) bytes where the directory says "
                        + "\(expectedSize) (the file is damaged)")
            }
            guard UInt32(truncatingIfNeeded: crc) == expectedCRC else {
                return fail(Inflater.checksumMismatch)
            }
        }
        return count
    }

    private func fail(_ reason: String) -> Int {
        failure = reason
        return -1
    }

    private func copy(into buffer: UnsafeMutablePointer<UInt8>, length: Int) -> Int {
        let count = min(length, compressed.count - consumed)
        if count > 0, let base = compressed.baseAddress {
            buffer.update(from: base + consumed, count: count)
        }
        consumed += count
        if consumed == compressed.count { finished = true }
        return count
    }

    private func inflate(into buffer: UnsafeMutablePointer<UInt8>, length: Int) -> Int {
        if !inflating {
            guard glaneur_inflate_init_raw(&zstream) == Z_OK else {
                return fail("zlib could not start inflating")
            }
            inflating = true
        }
        zstream.next_out = buffer
        zstream.avail_out = UInt32(min(length, Int(UInt32.max)))
        let room = Int(zstream.avail_out)

        // Inflate until some output is ready: a chunk of input may yield none.
        while Int(zstream.avail_out) == room {
            if zstream.avail_in == 0 && consumed < compressed.count {
                let count = min(compressed.count - consumed, Int(UInt32.max))
                zstream.next_in = compressed.baseAddress.map { $0 + consumed }
                zstream.avail_in = UInt32(count)
                consumed += count
            }
            let status = CZlib.inflate(&zstream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                finished = true
                return room - Int(zstream.avail_out)
            case Z_OK:
                continue
            case Z_BUF_ERROR where zstream.avail_in == 0 && consumed == compressed.count:
                return fail(Inflater.truncated)
            default:
                return fail(Inflater.corrupt)
            }
        }
        return room - Int(zstream.avail_out)
    }
}
