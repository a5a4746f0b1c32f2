/// A ZIP archive held in memory: the container of both XLSX and ODS workbooks.
///
/// The central directory at the end of the archive is authoritative: it lists every
/// member with its sizes and checksum even when a streaming writer put the sizes in a
/// data descriptor after the data rather than in the local header. ZIP64 records are
/// followed when the archive has them. Members are stored or deflated; anything else
/// is refused with a clear error rather than guessed at.
///
/// See the PKWARE APPNOTE (sections 4.3 and 4.4) for the layout read here.
final class ZipArchive: Sendable {
    /// One member as the central directory describes it.
    struct Entry: Sendable {
        var name: String
        var flags: UInt16
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int

        /// Bit 0 of the general-purpose flags: the data is encrypted.
        var isEncrypted: Bool { flags & 1 != 0 }
    }

    /// The file as the caller named it, for error messages.
    let file: String
    /// The members in the order the central directory lists them.
    let entries: [Entry]
    private let bytes: [UInt8]
    private let indexByName: [String: Int]
    private let indexByFoldedName: [String: Int]

    /// Members larger than this are refused: a workbook that big is either damaged or a
    /// decompression bomb, and inflating it would exhaust memory before anything useful.
    static let maximumEntrySize = 2 << 30

    init(bytes: [UInt8], file: String) throws(SpreadsheetError) {
        self.file = file
        self.bytes = bytes
        let entries = try Self.readCentralDirectory(bytes, file: file)
        self.entries = entries

        // OOXML part names are case-insensitive, so lookups fall back to a folded name.
        var byName: [String: Int] = [:]
        var byFolded: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            byName[entry.name] = byName[entry.name] ?? index
            byFolded[entry.name.lowercased()] = byFolded[entry.name.lowercased()] ?? index
        }
        self.indexByName = byName
        self.indexByFoldedName = byFolded
    }

    /// The member with this name (a leading `/` is ignored, case is not significant).
    func entry(named name: String) -> Entry? {
        let name = name.hasPrefix("/") ? String(name.dropFirst()) : name
        guard let index = indexByName[name] ?? indexByFoldedName[name.lowercased()] else {
            return nil
        }
        return entries[index]
    }

    /// The uncompressed contents of a member, checked against its CRC-32.
    func contents(of entry: Entry) throws(SpreadsheetError) -> [UInt8] {
        let range = try dataRange(of: entry)
        let data: [UInt8]
        if entry.method == 0 {
            data = Array(bytes[range])
        } else {
            let inflated = bytes.withUnsafeBufferPointer { buffer in
                Inflater.inflateRaw(
                    UnsafeBufferPointer(rebasing: buffer[range]),
                    expectedSize: entry.uncompressedSize)
            }
            switch inflated {
            case .success(let bytes): data = bytes
            case .failure(let failure):
                throw SpreadsheetError(
                    .corrupt, file: file, part: entry.name, reason: failure.reason)
            }
        }
        guard Checksum.crc32(data) == entry.crc32 else {
            throw SpreadsheetError(
                .corrupt, file: file, part: entry.name,
                reason: Inflater.checksumMismatch)
        }
        return data
    }

    /// A stream of a member's uncompressed contents, inflated as it is read, so that a
    /// large worksheet never needs to be held whole in memory. The stream checks the
    /// CRC-32 at its end and fails its last read if it does not match.
    func stream(of entry: Entry) throws(SpreadsheetError) -> MemberStream {
        let range = try dataRange(of: entry)
        return MemberStream(
            compressed: bytes[range], isDeflated: entry.method == 8,
            expectedSize: entry.uncompressedSize, expectedCRC: entry.crc32)
    }

    /// Where a member's stored data lies, after checking that it can be read at all.
    private func dataRange(of entry: Entry) throws(SpreadsheetError) -> Range<Int> {
        func corrupt(_ reason: String) -> SpreadsheetError {
            SpreadsheetError(.corrupt, file: file, part: entry.name, reason: reason)
        }

        if entry.isEncrypted {
            throw SpreadsheetError(
                .passwordProtected, file: file, part: entry.name,
                reason: "the archive is encrypted; open it with its password and save it "
                    + "again without one")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw SpreadsheetError(
                .unsupported, file: file, part: entry.name,
                reason: "compression method \(entry.method) is not supported (only stored "
                    + "and deflated members are); save the file again from a spreadsheet "
                    + "program")
        }
        guard entry.uncompressedSize <= Self.maximumEntrySize else {
            throw SpreadsheetError(
                .unsupported, file: file, part: entry.name,
                reason: "the member would inflate to \(entry.uncompressedSize) bytes, more "
                    + "than the \(Self.maximumEntrySize) Glaneur accepts")
        }

        // The local header repeats the name and has its own extra field, whose length
        // may differ from the central directory's: the data starts after both.
        var reader = ByteReader(bytes, at: entry.localHeaderOffset)
        guard reader.u32() == 0x0403_4b50 else {
            throw corrupt("the member's local header is missing (the file is damaged)")
        }
        reader.skip(22)
        let nameLength = Int(reader.u16())
        let extraLength = Int(reader.u16())
        let dataStart = reader.offset + nameLength + extraLength
        // Sizes come from the file: compare by subtraction so that no sum can overflow.
        guard !reader.isPastEnd, dataStart <= bytes.count,
            entry.compressedSize <= bytes.count - dataStart
        else {
            throw corrupt("the member's data runs past the end of the file (it is truncated)")
        }
        if entry.method == 0, entry.compressedSize != entry.uncompressedSize {
            throw corrupt("a stored member's sizes disagree (the file is damaged)")
        }
        return dataStart..<(dataStart + entry.compressedSize)
    }

    /// The contents of the member with this name, or nil when there is none.
    func contents(ofMemberNamed name: String) throws(SpreadsheetError) -> [UInt8]? {
        guard let entry = entry(named: name) else { return nil }
        return try contents(of: entry)
    }

    // MARK: - Central directory

    private static func readCentralDirectory(_ bytes: [UInt8], file: String)
        throws(SpreadsheetError) -> [Entry]
    {
        func corrupt(_ reason: String) -> SpreadsheetError {
            SpreadsheetError(.corrupt, file: file, reason: reason)
        }

        // The end-of-central-directory record is 22 bytes followed by a comment of up to
        // 65,535 bytes, so it is searched for backwards over that span.
        guard let endRecord = findEndRecord(bytes) else {
            throw corrupt(
                "the ZIP directory at the end of the file is missing: the file is truncated "
                    + "or is not a spreadsheet; ask for it again")
        }
        var reader = ByteReader(bytes, at: endRecord + 10)
        var entryCount = Int(reader.u16())
        var directorySize = Int(reader.u32())
        var directoryOffset = Int(reader.u32())

        // A ZIP64 archive keeps the real counts in a second record, found through a
        // locator that sits right before the classic one.
        let needsZip64 =
            entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF
            || directoryOffset == 0xFFFF_FFFF
        if endRecord >= 20, ByteReader(bytes, at: endRecord - 20).peekU32() == 0x0706_4b50 {
            var locator = ByteReader(bytes, at: endRecord - 20 + 8)
            let zip64Offset = locator.u64()
            guard zip64Offset < UInt64(bytes.count) else {
                throw corrupt("the ZIP64 directory record lies outside the file (truncated)")
            }
            var record = ByteReader(bytes, at: Int(zip64Offset))
            guard record.u32() == 0x0606_4b50 else {
                throw corrupt("the ZIP64 directory record is missing (the file is damaged)")
            }
            record.skip(8 + 2 + 2 + 4 + 4 + 8)
            entryCount = record.intU64()
            directorySize = record.intU64()
            directoryOffset = record.intU64()
            guard !record.isPastEnd else { throw corrupt("the ZIP64 record is truncated") }
        } else if needsZip64 {
            throw corrupt("the ZIP64 directory locator is missing (the file is damaged)")
        }

        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= endRecord,
            directorySize <= endRecord - directoryOffset
        else {
            throw corrupt(
                "the ZIP directory points outside the file: the file is truncated or "
                    + "damaged; ask for it again")
        }

        var entries: [Entry] = []
        entries.reserveCapacity(min(entryCount, 100_000))
        var cursor = ByteReader(bytes, at: directoryOffset)
        for _ in 0..<entryCount {
            guard cursor.u32() == 0x0201_4b50 else {
                throw corrupt("the ZIP directory is damaged (an entry's signature is wrong)")
            }
            cursor.skip(4)
            let flags = cursor.u16()
            let method = cursor.u16()
            cursor.skip(4)
            let crc = cursor.u32()
            var compressed = Int(cursor.u32())
            var uncompressed = Int(cursor.u32())
            let nameLength = Int(cursor.u16())
            let extraLength = Int(cursor.u16())
            let commentLength = Int(cursor.u16())
            cursor.skip(8)
            var offset = Int(cursor.u32())
            let name = cursor.string(length: nameLength)
            let extraStart = cursor.offset
            cursor.skip(extraLength + commentLength)
            guard !cursor.isPastEnd else {
                throw corrupt("the ZIP directory is truncated")
            }

            // Sizes and offset that overflow 32 bits are 0xFFFFFFFF here and given, in
            // this order and only for those that overflow, in the ZIP64 extra field.
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF
                || offset == 0xFFFF_FFFF
            {
                var extra = ByteReader(bytes, at: extraStart)
                let extraEnd = extraStart + extraLength
                while extra.offset + 4 <= extraEnd {
                    let tag = extra.u16()
                    let size = Int(extra.u16())
                    let next = extra.offset + size
                    if tag == 0x0001 {
                        if uncompressed == 0xFFFF_FFFF { uncompressed = extra.intU64() }
                        if compressed == 0xFFFF_FFFF { compressed = extra.intU64() }
                        if offset == 0xFFFF_FFFF { offset = extra.intU64() }
                        break
                    }
                    extra = ByteReader(bytes, at: next)
                }
            }
            guard offset >= 0, compressed >= 0, uncompressed >= 0, offset < bytes.count else {
                throw corrupt("the ZIP directory entry for \(name) points outside the file")
            }
            entries.append(
                Entry(
                    name: name, flags: flags, method: method, crc32: crc,
                    compressedSize: compressed, uncompressedSize: uncompressed,
                    localHeaderOffset: offset))
        }
        return entries
    }

    private static func findEndRecord(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 22 else { return nil }
        let lowest = max(0, bytes.count - 22 - 65_535)
        var position = bytes.count - 22
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4b,
                bytes[position + 2] == 0x05, bytes[position + 3] == 0x06
            {
                return position
            }
            position -= 1
        }
        return nil
    }
}

/// Little-endian reads over a byte array that never trap: reading past the end yields
/// zeros and sets `isPastEnd`, which callers check once after a group of reads.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private(set) var isPastEnd = false

    init(_ bytes: [UInt8], at offset: Int) {
        self.bytes = bytes
        self.offset = offset
        if offset < 0 || offset > bytes.count { isPastEnd = true }
    }

    mutating func skip(_ count: Int) {
        offset += count
        if offset > bytes.count { isPastEnd = true }
    }

    private mutating func byte() -> UInt64 {
        guard offset >= 0, offset < bytes.count else {
            isPastEnd = true
            offset += 1
            return 0
        }
        defer { offset += 1 }
        return UInt64(bytes[offset])
    }

    mutating func u16() -> UInt16 {
        UInt16(byte() | byte() << 8)
    }

    mutating func u32() -> UInt32 {
        UInt32(byte() | byte() << 8 | byte() << 16 | byte() << 24)
    }

    mutating func u64() -> UInt64 {
        UInt64(u32()) | UInt64(u32()) << 32
    }

    /// A 64-bit size or offset as an `Int`; values beyond `Int.max` become -1, which
    /// the callers' range checks refuse.
    mutating func intU64() -> Int {
        let value = u64()
        return value > UInt64(Int.max) ? -1 : Int(value)
    }

    func peekU32() -> UInt32 {
        var copy = self
        return copy.u32()
    }

    /// A member name. ZIP names are UTF-8 in every archive a spreadsheet program writes
    /// (flag bit 11); an invalid byte is replaced rather than failing the whole file.
    mutating func string(length: Int) -> String {
        let start = offset
        skip(length)
        guard !isPastEnd, start >= 0 else { return "" }
        return String(decoding: bytes[start..<(start + length)], as: UTF8.self)
    }
}
