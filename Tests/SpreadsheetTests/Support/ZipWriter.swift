import CZlib

/// Writes ZIP archives for test fixtures, with the variations readers must cope with:
/// stored or deflated members, sizes in a trailing data descriptor, ZIP64 records, and
/// the encryption flag.
struct ZipWriter {
    struct Options {
        var deflate = false
        /// Sizes and CRC after the data instead of in the local header, as streaming
        /// writers do.
        var dataDescriptor = false
        /// ZIP64 extra fields and end records even though nothing needs them.
        var zip64 = false
        /// Bit 0 of the flags, which marks encrypted data.
        var encrypted = false
    }

    private var archive: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0

    mutating func add(_ name: String, _ text: String, _ options: Options = Options()) {
        add(name, Array(text.utf8), options)
    }

    mutating func add(_ name: String, _ data: [UInt8], _ options: Options = Options()) {
        let crc = Self.crc32(data)
        let stored = options.deflate ? Self.deflate(data) : data
        let nameBytes = Array(name.utf8)
        var flags: UInt16 = 1 << 11
        if options.dataDescriptor { flags |= 1 << 3 }
        if options.encrypted { flags |= 1 }
        let method: UInt16 = options.deflate ? 8 : 0
        let version: UInt16 = options.zip64 ? 45 : 20
        let offset = archive.count

        // Local header.
        var local: [UInt8] = []
        local.le32(0x0403_4b50)
        local.le16(version)
        local.le16(flags)
        local.le16(method)
        local.le16(0)
        local.le16(0x21)
        let hideSizes = options.dataDescriptor
        local.le32(hideSizes ? 0 : crc)
        if options.zip64 {
            local.le32(0xFFFF_FFFF)
            local.le32(0xFFFF_FFFF)
        } else {
            local.le32(hideSizes ? 0 : UInt32(stored.count))
            local.le32(hideSizes ? 0 : UInt32(data.count))
        }
        local.le16(UInt16(nameBytes.count))
        local.le16(options.zip64 ? 20 : 0)
        local += nameBytes
        if options.zip64 {
            local.le16(1)
            local.le16(16)
            local.le64(hideSizes ? 0 : UInt64(data.count))
            local.le64(hideSizes ? 0 : UInt64(stored.count))
        }
        archive += local + stored
        if options.dataDescriptor {
            archive.le32(0x0807_4b50)
            archive.le32(crc)
            if options.zip64 {
                archive.le64(UInt64(stored.count))
                archive.le64(UInt64(data.count))
            } else {
                archive.le32(UInt32(stored.count))
                archive.le32(UInt32(data.count))
            }
        }

        // Central directory entry.
        directory.le32(0x0201_4b50)
        directory.le16(version)
        directory.le16(version)
        directory.le16(flags)
        directory.le16(method)
        directory.le16(0)
        directory.le16(0x21)
        directory.le32(crc)
        directory.le32(options.zip64 ? 0xFFFF_FFFF : UInt32(stored.count))
        directory.le32(options.zip64 ? 0xFFFF_FFFF : UInt32(data.count))
        directory.le16(UInt16(nameBytes.count))
        directory.le16(options.zip64 ? 28 : 0)
        directory.le16(0)
        directory.le16(0)
        directory.le16(0)
        directory.le32(0)
        directory.le32(options.zip64 ? 0xFFFF_FFFF : UInt32(offset))
        directory += nameBytes
        if options.zip64 {
            directory.le16(1)
            directory.le16(24)
            directory.le64(UInt64(data.count))
            directory.le64(UInt64(stored.count))
            directory.le64(UInt64(offset))
        }
        count += 1
    }

    /// The archive, with its central directory and end records.
    func finish(zip64: Bool = false) -> [UInt8] {
        var result = archive
        let directoryOffset = result.count
        result += directory
        if zip64 {
            let recordOffset = result.count
            result.le32(0x0606_4b50)
            result.le64(44)
            result.le16(45)
            result.le16(45)
            result.le32(0)
            result.le32(0)
            result.le64(UInt64(count))
            result.le64(UInt64(count))
            result.le64(UInt64(directory.count))
            result.le64(UInt64(directoryOffset))
            result.le32(0x0706_4b50)
            result.le32(0)
            result.le64(UInt64(recordOffset))
            result.le32(1)
        }
        result.le32(0x0605_4b50)
        result.le16(0)
        result.le16(0)
        result.le16(zip64 ? 0xFFFF : UInt16(count))
        result.le16(zip64 ? 0xFFFF : UInt16(count))
        result.le32(zip64 ? 0xFFFF_FFFF : UInt32(directory.count))
        result.le32(zip64 ? 0xFFFF_FFFF : UInt32(directoryOffset))
        result.le16(0)
        return result
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(0, buffer.baseAddress, UInt32(buffer.count)))
        }
    }

    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // Initialising a deflate stream with constant, valid arguments cannot fail but
        // for lack of memory, which a test cannot recover from either.
        precondition(glaneur_deflate_init_raw(&stream, 6) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var input = data
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 16)
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let status = CZlib.deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish")
                return Int(stream.total_out)
            }
        }
        return Array(output.prefix(produced))
    }
}

extension Array where Element == UInt8 {
    mutating func le16(_ value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    mutating func le32(_ value: UInt32) {
        le16(UInt16(value & 0xFFFF))
        le16(UInt16(value >> 16))
    }

    mutating func le64(_ value: UInt64) {
        le32(UInt32(value & 0xFFFF_FFFF))
        le32(UInt32(value >> 32))
    }
}
