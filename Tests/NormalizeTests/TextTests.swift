import Testing

@testable import Normalize

@Suite struct TextCleanerTests {
    @Test(arguments: [
        // Mojibake: UTF-8 read as Windows-1252 or Latin-1.
        ("Ã‰levage du Bois", "Élevage du Bois", "mojibake-repaired"),
        ("Ã©levage de chÃ¨vres", "élevage de chèvres", "mojibake-repaired"),
        ("GrÃ¼n & Co", "Grün & Co", "mojibake-repaired"),
        ("Chez lâ€™Ã©picier", "Chez l’épicier", "mojibake-repaired"),
        (
            "Ferme Ã\u{00A0} l'ancienne, déjà ouverte", "Ferme à l'ancienne, déjà ouverte",
            "mojibake-repaired"
        ),
        // Spaces and controls.
        ("  Ferme   du  Bois ", "Ferme du Bois", "whitespace-collapsed"),
        ("Ferme\u{00A0}du\u{202F}Bois", "Ferme du Bois", "space-normalized"),
        ("Ferme\u{200B} du Bois\u{0007}", "Ferme du Bois", "control-removed"),
        ("Hoeve\tDe Linde\r\n", "Hoeve De Linde", "whitespace-collapsed"),
        // Decomposed accents composed.
        ("Fe\u{0301}lix", "Félix", "unicode-normalized"),
    ])
    func cleans(_ raw: String, _ expected: String, _ rule: String) {
        let result = TextCleaner.clean(raw)
        // Compare code points: String's == would take decomposed and composed as equal.
        #expect(Array(result.text.unicodeScalars) == Array(expected.unicodeScalars))
        #expect(result.rules.contains(rule))
    }

    @Test(arguments: [
        "Ferme du Bois Joli", "Élevage des Prés", "Hoeve 't Hof", "Geitenkaas, eieren",
        "Grün", "Crème fraîche à la ferme", "ÉTÉ À LA FERME", "Ô Saveurs", "Â",
    ])
    func leavesCleanTextAlone(_ text: String) {
        let result = TextCleaner.clean(text)
        #expect(result.text == text)
        #expect(result.rules.isEmpty)
    }
}

@Suite struct DisplayCaseTests {
    @Test(arguments: [
        ("FERME DU BOIS JOLI", "Ferme du Bois Joli", nil as String?),
        ("HOEVE 'T HOF", "Hoeve 't Hof", "nl"),
        ("HOEVE DE LINDE", "Hoeve De Linde", "nl"),
        ("LA FERME D'ARGENTON-LES-VALLÉES", "La Ferme d'Argenton-les-Vallées", nil),
        ("L'ÉGLISE", "L'Église", nil),
        ("GAEC DES PRÉS", "GAEC des Prés", nil),
        ("DOMAINE DE LA CROIX-BLANCHE", "Domaine de la Croix-Blanche", nil),
        ("RUE ALBERT IER", "Rue Albert Ier", nil),
        ("HOF TER LINDEN", "Hof ter Linden", "nl"),
        ("BOUT-DU-PONT-DE-LARN", "Bout-du-Pont-de-Larn", nil),
        ("RUE LOUIS XIV", "Rue Louis XIV", nil),
    ])
    func recasesShoutedNames(_ shouted: String, _ expected: String, _ language: String?) {
        #expect(DisplayCase.nameIfShouting(shouted, language: language) == expected)
    }

    @Test(arguments: ["Ferme du Bois Joli", "Hoeve 't Hof", "DUPONT Marie", "BV De Linde"])
    func leavesMixedCaseAlone(_ text: String) {
        #expect(DisplayCase.nameIfShouting(text) == text)
    }
}

@Suite struct MatchKeyTests {
    @Test func namesWithTheSameWordsShareAKey() {
        let keys = [
            "SPRL Ferme du Bois-Joli", "Bois Joli (Ferme du), sprl", "FERME DU BOIS JOLI",
            "ferme du bois joli S.P.R.L.",
        ].map { MatchKeys.name($0) }
        #expect(Set(keys) == ["bois ferme joli"])
    }

    @Test func differentNamesKeepDifferentKeys() {
        #expect(MatchKeys.name("Ferme du Moulin") != MatchKeys.name("Ferme du Bois"))
    }

    @Test(arguments: [
        ("St-Martin-de-Ré", "de martin re saint"),
        ("Saint Martin de Re", "de martin re saint"),
        ("LILLE CEDEX", "lille"),
        ("Sint-Niklaas", "niklaas sint"),
    ])
    func localityKeys(_ locality: String, _ key: String) {
        #expect(MatchKeys.locality(locality) == key)
    }

    @Test(arguments: [
        ("Œufs & Co.", "oeufs co"), ("Ζαγορά", "zagora"), ("Москва", "moskva"),
        ("Straße", "strasse"), ("L'Église", "l eglise"),
    ])
    func foldsToLatinASCII(_ text: String, _ folded: String) {
        #expect(MatchKeys.fold(text) == folded)
    }
}

@Suite struct LanguageDetectorTests {
    @Test(arguments: [
        ("légumes de saison, œufs, fromage de chèvre", "fr"),
        ("groenten, eieren, geitenkaas", "nl"),
        ("Gemüse, Eier, Käse", "de"),
        ("vegetables, eggs and goat cheese", "en"),
        ("Hoeve De Linde, verse melk en boter", "nl"),
        ("La ferme du Bois, pain et farine", "fr"),
    ])
    func detects(_ text: String, _ language: String) {
        #expect(LanguageDetector.detect(text) == language)
    }

    @Test(arguments: ["", "12345", "Dupont"])
    func saysNothingWithoutClues(_ text: String) {
        #expect(LanguageDetector.detect(text) == nil)
    }
}
