import CICU

/// Calls into the system ICU through the plain-C wrapper.
enum ICU {
    /// The NFC form of the text, or the text itself if ICU refuses it.
    static func nfc(_ text: String) -> String {
        call(text, glaneur_icu_nfc) ?? text
    }

    /// The text transliterated to Latin script, then to ASCII ("Œufs" gives "OEufs").
    static func latinASCII(_ text: String) -> String {
        call(text, glaneur_icu_latin_ascii) ?? text
    }

    /// Runs a UTF-8 to UTF-8 ICU function, growing the buffer once if it is too small.
    private static func call(
        _ text: String,
        _ function: (UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<CChar>?, Int32) -> Int32
    ) -> String? {
        var text = text
        return text.withUTF8 { input -> String? in
            input.withMemoryRebound(to: CChar.self) { source -> String? in
                var capacity = input.count * 2 + 16
                for _ in 0..<2 {
                    var output = [CChar](repeating: 0, count: capacity)
                    let needed = output.withUnsafeMutableBufferPointer { buffer in
                        function(
                            source.baseAddress, Int32(source.count), buffer.baseAddress,
                            Int32(capacity))
                    }
                    if needed < 0 { return nil }
                    if Int(needed) <= capacity {
                        return output.withUnsafeBufferPointer { buffer in
                            buffer.withMemoryRebound(to: UInt8.self) {
                                String(
                                    decoding: UnsafeBufferPointer(rebasing: $0[0..<Int(needed)]),
                                    as: UTF8.self)
                            }
                        }
                    }
                    capacity = Int(needed) + 1
                }
                return nil
            }
        }
    }
}
