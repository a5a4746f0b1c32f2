import CSQLite

extension Database {
    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes the write lock at the first write.
        case deferred = "DEFERRED"
        /// Takes the write lock at once, so that two writers wait for each other at BEGIN
        /// instead of failing half-way with `SQLITE_BUSY`.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// The first error is the one reported: when `body` throws and the rollback fails too,
    /// the caller sees the error from `body`.
    ///
    /// - parameter kind: `.immediate` by default, which suits writes.
    /// - throws: the error thrown by `body`, or the `DatabaseError` of BEGIN or COMMIT.
    public func transaction<T>(
        _ kind: TransactionKind = .immediate,
        _ body: () throws -> T
    ) throws -> T {
        try execute("BEGIN \(kind.rawValue) TRANSACTION")
        let result: T
        do {
            result = try body()
        } catch {
            rollbackIfOpen()
            throw error
        }
        do {
            try execute("COMMIT TRANSACTION")
        } catch {
            // A failed COMMIT (SQLITE_BUSY while readers finish, a deferred foreign key)
            // may leave the transaction open.
            rollbackIfOpen()
            throw error
        }
        return result
    }

    /// Rolls back, but only while a transaction is open: SQLite may already have rolled
    /// back on its own (after SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM…), and a ROLLBACK
    /// then would only add a second, misleading error.
    private func rollbackIfOpen() {
        guard isInTransaction else { return }
        // The body's error is the one worth reporting; a failed ROLLBACK adds nothing
        // the caller can act on.
        try? execute("ROLLBACK TRANSACTION")
    }

    /// Runs `body` inside a savepoint, which may nest inside a transaction: released when
    /// it returns, rolled back to (and released) when it throws.
    public func savepoint<T>(_ name: String = "glaneur", _ body: () throws -> T) throws -> T {
        let quoted = "\"" + name.replacingAll("\"", with: "\"\"") + "\""
        try execute("SAVEPOINT \(quoted)")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT \(quoted)")
            return result
        } catch {
            try? execute("ROLLBACK TO SAVEPOINT \(quoted)")
            try? execute("RELEASE SAVEPOINT \(quoted)")
            throw error
        }
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
