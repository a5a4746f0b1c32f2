import Testing

@testable import GlaneurCore

@Suite("SHA-256")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownDigests(_ text: String, _ digest: String) {
        var hash = SHA256()
        hash.update(Array(text.utf8))
        #expect(hash.finalize() == digest)
    }

    @Test func piecesGiveTheSameDigestAsTheWhole() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        var whole = SHA256()
        whole.update(bytes)
        var pieces = SHA256()
        for start in stride(from: 0, to: bytes.count, by: 37) {
            pieces.update(Array(bytes[start..<min(start + 37, bytes.count)]))
        }
        #expect(whole.finalize() == pieces.finalize())
    }
}

@Suite("JSON parser and writer")
struct JSONTests {
    @Test func keepsKeyOrderAndNumbersAsWritten() throws {
        let value = try JSONParser.parse("{\"b\": 1.50, \"a\": [true, null, \"x\\u00e9\"]}")
        var writer = JSONWriter()
        writer.value(value)
        #expect(
            String(decoding: writer.bytes, as: UTF8.self) == "{\"b\":1.50,\"a\":[true,null,\"xé\"]}"
        )
    }

    @Test(arguments: [
        ("{\"a\": }", 1, 7), ("[1,\n 2,,]", 2, 4), ("{\"a\": \"\u{1}\"}", 1, 8), ("[1] x", 1, 5),
    ])
    func errorsNameLineAndColumn(_ text: String, _ line: Int, _ column: Int) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test func escapesWhatJSONRequires() {
        var writer = JSONWriter()
        writer.string("quote \" backslash \\ tab \t newline \n bell \u{7} long text past eight")
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == "\"quote \\\" backslash \\\\ tab \\t newline \\n bell \\u0007 long text past eight\""
        )
    }

    @Test func integers() {
        var writer = JSONWriter()
        for value in [0, 7, -42, 1_000_000, Int.max, Int.min] {
            writer.integer(value)
            writer.byte(UInt8(ascii: " "))
        }
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == "0 7 -42 1000000 \(Int.max) \(Int.min) ")
    }
}

@Suite("Match keys")
struct MatchKeyTests {
    @Test(arguments: [
        ("Localité", "localite"), ("Œufs & Co.", "oeufs co"), ("  Tél. ", "tel"),
        ("Straße", "strasse"), ("'s-Hertogenbosch", "s hertogenbosch"),
    ])
    func folds(_ text: String, _ key: String) {
        #expect(MatchKey.fold(text) == key)
    }
}
