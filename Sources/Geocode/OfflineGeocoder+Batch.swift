import GlaneurCore

extension OfflineGeocoder {
    /// Places many addresses, spread over `threads` threads; answers come back in the
    /// order of the queries.
    public func geocode(_ queries: [AddressQuery], threads: Int) -> [GeocodeResult] {
        parallelMap(count: queries.count, threads: threads) { geocode(queries[$0]) }
    }
}

extension AddressQuery {
    /// The address fields of a record as the ingest stage mapped them.
    public init(record: ProducerRecord) {
        self.init(
            street: record[.street], houseNumber: record[.houseNumber], box: record[.box],
            postcode: record[.postcode], locality: record[.locality],
            country: record[.country], freeText: record[.address])
    }
}
