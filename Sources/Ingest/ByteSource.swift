import GlaneurCore
import Glibc

/// Where a reader's bytes come from: a file, standard input, or memory.
///
/// Readers pull blocks into their own buffer, so no source ever holds a whole file.
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(GlaneurError) -> Int
}

/// A file (or standard input, for `-`) read through its descriptor.
public final class FileSource: ByteSource {
    public let path: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool

    public init(path: String) throws(GlaneurError) {
        self.path = path
        if path == "-" {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
            return
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw GlaneurError.io(path: path, action: "cannot open", errno: errno)
        }
        var status = stat()
        if fstat(opened, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(opened)
            throw GlaneurError.io(path: path, action: "cannot read", errno: EISDIR)
        }
        descriptor = opened
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { Glibc.close(descriptor) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(GlaneurError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw GlaneurError.io(path: path, action: "cannot read", errno: errno)
        }
    }
}

/// Bytes held in memory, for tests and for samples already read.
public struct MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(
                from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// A source whose first bytes were already read (to detect the encoding) and are
/// handed out again before the rest.
struct PrefixedSource<Base: ByteSource>: ByteSource {
    private var prefix: [UInt8]
    private var prefixOffset = 0
    private var base: Base

    init(prefix: [UInt8], base: Base) {
        self.prefix = prefix
        self.base = base
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(GlaneurError) -> Int {
        if prefixOffset < prefix.count {
            let count = min(buffer.count, prefix.count - prefixOffset)
            prefix.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(
                    from: source.baseAddress! + prefixOffset, byteCount: count)
            }
            prefixOffset += count
            return count
        }
        return try base.read(into: buffer)
    }
}

/// Turns UTF-16 input into UTF-8 on the fly, so that the CSV parser only ever sees an
/// ASCII-compatible encoding. Unpaired surrogates become U+FFFD and are counted.
struct UTF16ToUTF8Source<Base: ByteSource>: ByteSource {
    private var base: Base
    private let bigEndian: Bool
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var carry: [UInt8] = []
    private var highSurrogate: UInt16?
    private var finished = false
    private(set) var replacements = 0

    init(base: Base, bigEndian: Bool) {
        self.base = base
        self.bigEndian = bigEndian
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(GlaneurError) -> Int {
        while pendingOffset >= pending.count {
            if finished { return 0 }
            try refill()
        }
        let count = min(buffer.count, pending.count - pendingOffset)
        pending.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(
                from: source.baseAddress! + pendingOffset, byteCount: count)
        }
        pendingOffset += count
        return count
    }

    private mutating func refill() throws(GlaneurError) {
        var input = carry
        carry.removeAll()
        let block = try readBlock(from: &base, count: 1 << 16)
        let count = block.count
        input.append(contentsOf: block)
        pending.removeAll(keepingCapacity: true)
        pendingOffset = 0

        if count == 0 {
            finished = true
            if !input.isEmpty || highSurrogate != nil { appendReplacement() }
            return
        }
        let usable = input.count & ~1
        carry = Array(input[usable...])
        var index = 0
        while index < usable {
            let unit =
                bigEndian
                ? UInt16(input[index]) << 8 | UInt16(input[index + 1])
                : UInt16(input[index + 1]) << 8 | UInt16(input[index])
            index += 2
            append(unit)
        }
    }

    private mutating func append(_ unit: UInt16) {
        if let high = highSurrogate {
            highSurrogate = nil
            if (0xDC00..<0xE000).contains(unit) {
                let value = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
                appendScalar(value)
                return
            }
            appendReplacement()
        }
        switch unit {
        case 0xD800..<0xDC00: highSurrogate = unit
        case 0xDC00..<0xE000: appendReplacement()
        default: appendScalar(UInt32(unit))
        }
    }

    private mutating func appendScalar(_ value: UInt32) {
        guard let scalar = Unicode.Scalar(value), let bytes = UTF8.encode(scalar) else {
            appendReplacement()
            return
        }
        pending.append(contentsOf: bytes)
    }

    private mutating func appendReplacement() {
        replacements += 1
        pending.append(contentsOf: [0xEF, 0xBF, 0xBD])
    }
}

/// Reads up to `count` bytes from a source into a new array (empty at the end).
public func readBlock<Source: ByteSource>(
    from source: inout Source, count: Int
) throws(GlaneurError)
    -> [UInt8]
{
    var failure: GlaneurError?
    let block = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        do throws(GlaneurError) {
            initialized = try source.read(into: UnsafeMutableRawBufferPointer(buffer))
        } catch {
            failure = error
            initialized = 0
        }
    }
    if let failure { throw failure }
    return block
}
