import Dispatch
import GlaneurCore

extension OfflineGeocoder {
    /// Places many addresses, spread over `threads` threads; answers come back in the
    /// order of the queries.
    public func geocode(_ queries: [AddressQuery], threads: Int) -> [GeocodeResult] {
        let placeholder = GeocodeResult.unplaced(reason: "", steps: [])
        var results = [GeocodeResult](repeating: placeholder, count: queries.count)
        let workers = max(1, min(threads, queries.count / 256 + 1))
        results.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes only its own slice of the buffer.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = queries.count * worker / workers
                let end = queries.count * (worker + 1) / workers
                for index in start..<end {
                    output[index] = geocode(queries[index])
                }
            }
        }
        return results
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
