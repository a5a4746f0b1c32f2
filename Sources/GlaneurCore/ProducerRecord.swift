/// One input row, mapped onto the canonical fields, with its provenance.
///
/// The record holds the partner's values as they were written: a postcode stays the text
/// "01000", a phone stays "081/23.45.67". The untouched source fields travel with it so
/// that nothing the partner sent is lost, including the columns that map to no field.
public struct ProducerRecord: Sendable {
    public var provenance: Provenance

    /// The source fields in the partner's order, under the partner's names (nested JSON
    /// keys flattened with dots: `address.postalCode`).
    public var sourceFields: [SourceField]

    /// Problems met while reading the row that did not make it unusable.
    public var warnings: [RecordWarning]

    /// One slot per canonical field, in `Field.allCases` order.
    private var slots: [[String]]

    public init(
        provenance: Provenance,
        sourceFields: [SourceField] = [],
        warnings: [RecordWarning] = []
    ) {
        self.provenance = provenance
        self.sourceFields = sourceFields
        self.warnings = warnings
        self.slots = Array(repeating: [], count: Field.allCases.count)
    }

    /// The field's value: its only string, or its strings joined by a space when a
    /// partner spread it over several columns (`Adresse 1`, `Adresse 2`).
    public subscript(field: Field) -> String? {
        get {
            let values = slots[field.ordinal]
            switch values.count {
            case 0: return nil
            case 1: return values[0]
            default: return values.joined(separator: " ")
            }
        }
        set {
            slots[field.ordinal] = newValue.map { [$0] } ?? []
        }
    }

    /// Every value the record holds for the field, in source order.
    public func values(_ field: Field) -> [String] {
        slots[field.ordinal]
    }

    public mutating func setValues(_ values: [String], for field: Field) {
        slots[field.ordinal] = values
    }

    public mutating func append(_ value: String, to field: Field) {
        slots[field.ordinal].append(value)
    }

    /// The canonical fields that hold a value, in `Field.allCases` order.
    public var presentFields: [Field] {
        Field.allCases.filter { !slots[$0.ordinal].isEmpty }
    }
}

/// A field as the partner named and wrote it.
public struct SourceField: Hashable, Sendable {
    public var name: String
    public var value: SourceValue

    public init(name: String, value: SourceValue) {
        self.name = name
        self.value = value
    }
}

/// A problem with a row that Glaneur worked around, such as a cell in another encoding.
public struct RecordWarning: Hashable, Sendable {
    /// A stable kebab-case code (`encoding-fallback`, `nul-byte`).
    public var code: String
    /// The source column concerned, when there is one.
    public var column: String?
    public var message: String

    public init(code: String, column: String? = nil, message: String) {
        self.code = code
        self.column = column
        self.message = message
    }
}

extension Field {
    /// The field's position in `Field.allCases`, for array-backed storage.
    public var ordinal: Int {
        switch self {
        case .sourceKey: 0
        case .name: 1
        case .legalForm: 2
        case .kind: 3
        case .contact: 4
        case .address: 5
        case .street: 6
        case .houseNumber: 7
        case .box: 8
        case .postcode: 9
        case .locality: 10
        case .country: 11
        case .phones: 12
        case .emails: 13
        case .website: 14
        case .companyNumber: 15
        case .vatNumber: 16
        case .products: 17
        case .labels: 18
        case .latitude: 19
        case .longitude: 20
        case .description: 21
        case .openingHours: 22
        }
    }
}
