import Glibc

/// A buffered writer to a file or to standard output.
///
/// Output is written in large blocks; `close()` flushes and reports the first write error,
/// so a full disk is an error the user sees, never a truncated file that looks complete.
public final class OutputFile {
    /// The path as the user gave it, or `-` for standard output.
    public let path: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var writeError: Int32 = 0
    private let blockSize = 1 << 20

    /// Opens a file for writing, truncating it; `-` means standard output.
    public init(path: String) throws(GlaneurError) {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            ownsDescriptor = false
        } else {
            let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard opened >= 0 else {
                throw GlaneurError.io(path: path, action: "cannot create", errno: errno)
            }
            descriptor = opened
            ownsDescriptor = true
        }
        buffer.reserveCapacity(blockSize + 4096)
    }

    public static func standardOutput() -> OutputFile {
        // Opening "-" cannot fail: no file is created.
        try! OutputFile(path: "-")
    }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { flush() }
    }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Large writes go straight out, not copied into the buffer first.
        if bytes.count >= blockSize / 4 {
            flush()
            writeAll(UnsafeRawBufferPointer(bytes))
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { flush() }
    }

    /// Writes what a JSON writer holds.
    public func write(_ writer: JSONWriter) {
        writer.withBytes { write($0) }
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= blockSize { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes all the bytes unless a write failed before; keeps the first error.
    private func writeAll(_ raw: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < raw.count, writeError == 0 {
            let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                writeError = errno
            } else {
                offset += written
            }
        }
    }

    /// Flushes and closes; throws if any write failed.
    public func close() throws(GlaneurError) {
        flush()
        if ownsDescriptor {
            if Glibc.close(descriptor) != 0, writeError == 0 { writeError = errno }
        }
        if writeError != 0 {
            throw GlaneurError.io(path: path, action: "cannot write", errno: writeError)
        }
    }
}
