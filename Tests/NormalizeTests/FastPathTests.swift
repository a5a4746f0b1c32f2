import Foundation
import Testing

@testable import Normalize

/// The byte-level shortcuts give what the general code gives.
@Suite struct FastPathTests {
    @Test func asciiDomainsAreJudgedAsByCharacter() {
        var generator = SplitMix64(seed: 11)
        let pieces = [
            "a", "b", "z", "Z", "0", "9", "-", ".", ".", "..", "be", "fr", "ferme", "x1",
            "_", " ", "\r\n", "\t", "@", String(repeating: "a", count: 63),
            String(repeating: "b", count: 64),
        ]
        var domains = ["", ".", "be", "ferme.be", "ferme-dupont.be", "-a.be", "a-.be", "a.b"]
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...6, using: &generator)
            domains.append(
                (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for domain in domains {
            let fast = Array(domain.utf8).withUnsafeBufferPointer(Emails.isValidASCIIDomain)
            #expect(fast == Emails.isValidDomainByCharacter(domain), "\(domain)")
        }
    }

    @Test(arguments: [
        "", " ", "a", " a", "a ", "\ta\n", "\r\n", "a\r\n", "x \u{301}", "\u{301}x",
        "\u{A0}x\u{A0}", "é", "0475 12 34 56", "\u{1F}x\u{1F}", "\u{85}x", "x\u{2009}",
    ])
    func trimmingIsTheSameWithoutLookingAtCharacters(text: String) {
        #expect(text.trimmingSpaces == text.trimmingSpacesByCharacter)
    }

    @Test func cleanTextIsFoundWordByWordAsByteByByte() {
        // Spaces, controls, DEL and accents at every place within and across words.
        var generator = SplitMix64(seed: 7)
        let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x41, 0x61, 0x7E, 0x7F, 0x1F, 0x09, 0xC3]
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &generator)
            var bytes = (0..<count).map { _ in
                Int.random(in: 0..<4, using: &generator) == 0
                    ? alphabet.randomElement(using: &generator)! : UInt8(ascii: "k")
            }
            if bytes.last == 0xC3 { bytes.append(0xA9) }
            let fast = bytes.withUnsafeBufferPointer { TextCleaner.isClean($0) }
            #expect(fast == TextCleaner.isCleanByByte(bytes), "\(bytes)")
        }
    }

    @Test func asciiComponentsAreFoundationComponents() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["0", "81", " ", "/", " / ", "-", " - ", ";", ",", " ou ", "o", "u", " & "]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...12, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
            for separator in PhoneNumbers.listSeparators where separator.utf8.count > 0 {
                #expect(
                    text.asciiComponents(separatedBy: separator)
                        == text.components(separatedBy: separator),
                    "\(text) cut at \"\(separator)\"")
            }
        }
    }

    @Test(arguments: ["5000", "01000", "1000", "0999", "75001", "123", "123456", "00100", "9"])
    func digitPostcodesReadAsTheGeneralPathReadsThem(postcode: String) {
        // A leading space sends the postcode down the general path, which trims it.
        for country in [nil, "BE", "FR", "CH", "LU", "NL"] {
            #expect(
                Postcode.normalize(postcode, country: country)
                    == Postcode.normalize(" " + postcode, country: country))
        }
    }
}
