import Foundation

/// The BAN/addok batch endpoint (`/search/csv/`): many queries in one request, for long
/// lists where one request per row would take too long.
extension BANProvider {
    /// The batch endpoint, told which columns hold the postcode and citycode filters.
    var batchURL: String { baseURL + "/search/csv/?postcode=postcode&citycode=citycode" }

    /// The multipart body of one batch: the queries as a CSV file whose `q` column is
    /// searched, filtered by its `postcode` and `citycode` columns.
    func batchRequest(_ queries: [OnlineQuery]) -> (body: [UInt8], contentType: String) {
        var csv = "row,q,postcode,citycode\r\n"
        for (index, query) in queries.enumerated() {
            let cells = [String(index), query.text, query.postcode ?? "", query.cityCode ?? ""]
            csv += cells.map(Self.quoted).joined(separator: ",") + "\r\n"
        }
        let boundary = "glaneur-\(UUID().uuidString)"
        var body = ""
        // addok-csv guesses the dialect wrongly on small files: name it. (The filter
        // columns go in the URL: as form fields they make addok-csv fail.)
        for (name, value) in [("columns", "q"), ("delimiter", ","), ("quote", "\"")] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n"
            body += "\(value)\r\n"
        }
        body +=
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"data\"; "
            + "filename=\"queries.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n"
        body += "--\(boundary)--\r\n"
        return (Array(body.utf8), "multipart/form-data; boundary=\(boundary)")
    }

    /// The answers of a batch response, in the order of the queries.
    func parseBatch(_ body: [UInt8], count: Int) -> [OnlineAnswer?] {
        var answers = [OnlineAnswer?](repeating: nil, count: count)
        var reader = DelimitedReader(bytes: body)
        guard let header = reader.nextRow().map(DelimitedHeader.init) else { return answers }
        let row = header.index("row")
        let (latitude, longitude) = (header.index("latitude"), header.index("longitude"))
        let (label, score) = (header.index("result_label"), header.index("result_score"))
        let (type, id) = (header.index("result_type"), header.index("result_id"))
        while let cells = reader.nextRow() {
            guard let index = Int(cells.field(row)), index < count,
                let lat = Double(cells.field(latitude)), let lon = Double(cells.field(longitude))
            else { continue }
            let precision: Precision =
                switch cells.field(type) {
                case "housenumber": .housenumber
                case "street": .street
                case "locality", "municipality": .locality
                default: .none
                }
            answers[index] = OnlineAnswer(
                latitude: lat, longitude: lon, precision: precision,
                score: Double(cells.field(score)) ?? 0, label: cells.field(label),
                referenceID: cells.field(id))
        }
        return answers
    }

    private static func quoted(_ cell: String) -> String {
        "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension OnlineGeocoder {
    /// Answers many queries: cached ones from the cache, the others through the BAN batch
    /// endpoint, `batchSize` per request (providers without one are asked row by row).
    ///
    /// - throws: `HTTPError` when a batch fails after every retry; answers received
    ///   before are cached, so running again resumes.
    public func answers(_ queries: [OnlineQuery], batchSize: Int = 1000) throws
        -> [(answer: OnlineAnswer?, cached: Bool)]
    {
        var results: [(answer: OnlineAnswer?, cached: Bool)?] = queries.map { query in
            cache.lookup(provider: provider.name, key: query.cacheKey).map { ($0, true) }
        }
        let missing = queries.indices.filter { results[$0] == nil }
        guard let ban = provider as? BANProvider else {
            for index in missing { results[index] = try answer(queries[index]) }
            return results.map { $0 ?? (nil, false) }
        }
        for start in stride(from: 0, to: missing.count, by: batchSize) {
            let chunk = Array(missing[start..<min(start + batchSize, missing.count)])
            let (body, contentType) = ban.batchRequest(chunk.map { queries[$0] })
            let response = try send(
                url: ban.batchURL, body: body,
                contentType: contentType)
            let answers = ban.parseBatch(response.body, count: chunk.count)
            for (position, index) in chunk.enumerated() {
                cache.store(
                    provider: provider.name, key: queries[index].cacheKey,
                    answer: answers[position])
                results[index] = (answers[position], false)
            }
        }
        return results.map { $0 ?? (nil, false) }
    }
}
