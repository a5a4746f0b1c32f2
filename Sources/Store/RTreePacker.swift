import SQLiteKit

/// Builds a SQLite R*Tree of points in one pass, by writing its shadow tables directly.
///
/// Inserting a million points into an R*Tree one by one, as the virtual table does,
/// costs a third of a bulk load's time: every insertion chooses a subtree, splits full
/// nodes and reinserts cells. Packing the points instead (sort-tile-recursive: sorted
/// into vertical slices by longitude, each slice by latitude, then cut into full nodes,
/// and the same again for each level above) takes a sort and one write per node, and
/// gives a tree whose nodes overlap less. GDAL writes GeoPackage indexes the same way.
///
/// The layout is SQLite's own (ext/rtree/rtree.c, "Database Format of R-Tree Tables"):
/// `<name>_node(nodeno, data)` holds each node as a blob of the table's node size
/// (a 2-byte tree depth, kept in the root only; a 2-byte cell count; then cells of an
/// 8-byte rowid or child node number and four 4-byte floats minX, maxX, minY, maxY, all
/// big-endian); the root is node 1; `<name>_rowid` maps each rowid to its leaf and
/// `<name>_parent` each node below the root to its parent. Coordinates are rounded
/// outwards to 32-bit floats, as the virtual table rounds them, so every box holds its
/// point. `SELECT rtreecheck(name)` checks the result; the tests run it.
struct RTreePacker {
    let database: Database
    /// The R*Tree virtual table, for example `rtree_entities_geom`.
    let table: String

    struct Point {
        var id: Int64
        var x: Double
        var y: Double
    }

    /// Replaces every entry of the tree with `points`.
    func replaceAll(with points: [Point]) throws {
        let nodeSize = try currentNodeSize()
        let capacity = (nodeSize - 4) / Cell.size
        precondition(capacity >= 2, "an R*Tree node holds at least two cells")
        try database.execute(
            """
            DELETE FROM "\(table)_node";
            DELETE FROM "\(table)_rowid";
            DELETE FROM "\(table)_parent";
            """)

        var writer = try NodeWriter(database: database, table: table, nodeSize: nodeSize)
        var level = points.map { Cell(point: $0) }
        var depth = 0
        // Each pass packs one level into nodes and returns the cells that point at them,
        // until one node holds them all: the root.
        while level.count > capacity {
            level = try pack(level, capacity: capacity, isLeaf: depth == 0, into: &writer)
            depth += 1
        }
        try writer.writeRoot(level, depth: depth, isLeaf: depth == 0)
    }

    /// The node size the table was created with: the root's blob is always that long.
    private func currentNodeSize() throws -> Int {
        let size = try database.firstRow(
            "SELECT length(data) FROM \"\(table)_node\" WHERE nodeno = 1"
        ) { $0.int64(0) }
        guard let size, size > 4 else {
            throw StoreError("the spatial index \(table) has no root node to size nodes by")
        }
        return Int(size)
    }

    /// Cuts one level into nodes, sort-tile-recursive, and writes them.
    private func pack(
        _ cells: [Cell], capacity: Int, isLeaf: Bool, into writer: inout NodeWriter
    ) throws -> [Cell] {
        let nodeCount = (cells.count + capacity - 1) / capacity
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        let sliceSize = sliceCount * capacity
        let byX = cells.sorted { $0.centreX < $1.centreX }
        var parents: [Cell] = []
        parents.reserveCapacity(nodeCount)
        for sliceStart in stride(from: 0, to: byX.count, by: sliceSize) {
            let slice = byX[sliceStart..<min(sliceStart + sliceSize, byX.count)]
                .sorted { $0.centreY < $1.centreY }
            for nodeStart in stride(from: 0, to: slice.count, by: capacity) {
                let start = slice.startIndex + nodeStart
                let children = Array(slice[start..<min(start + capacity, slice.endIndex)])
                let node = try writer.write(children, isLeaf: isLeaf)
                parents.append(Cell(node: node, bounding: children))
            }
        }
        return parents
    }
}

/// One cell of a node: a point's rowid or a child's node number, with its box.
private struct Cell {
    static let size = 8 + 4 * 4

    var id: Int64
    var minX: Float
    var maxX: Float
    var minY: Float
    var maxY: Float

    init(point: RTreePacker.Point) {
        id = point.id
        minX = Self.roundedDown(point.x)
        maxX = Self.roundedUp(point.x)
        minY = Self.roundedDown(point.y)
        maxY = Self.roundedUp(point.y)
    }

    init(node: Int64, bounding children: [Cell]) {
        id = node
        minX = children.map(\.minX).min() ?? 0
        maxX = children.map(\.maxX).max() ?? 0
        minY = children.map(\.minY).min() ?? 0
        maxY = children.map(\.maxY).max() ?? 0
    }

    var centreX: Float { minX / 2 + maxX / 2 }
    var centreY: Float { minY / 2 + maxY / 2 }

    static func roundedDown(_ value: Double) -> Float {
        let float = Float(value)
        return Double(float) > value ? float.nextDown : float
    }

    static func roundedUp(_ value: Double) -> Float {
        let float = Float(value)
        return Double(float) < value ? float.nextUp : float
    }

    func append(to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: id >> Int64(shift)))
        }
        for coordinate in [minX, maxX, minY, maxY] {
            let bits = coordinate.bitPattern
            for shift in stride(from: 24, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift)))
            }
        }
    }
}

/// Writes nodes and their rowid and parent links. Node 1 is kept for the root, which is
/// written last; the others are numbered from 2 in the order they are packed.
private struct NodeWriter {
    let nodeSize: Int
    let insertNode: Statement
    let insertRowid: Statement
    let insertParent: Statement
    var nextNode: Int64 = 2

    init(database: Database, table: String, nodeSize: Int) throws {
        self.nodeSize = nodeSize
        insertNode = try database.cachedStatement(
            "INSERT INTO \"\(table)_node\" (nodeno, data) VALUES (?, ?)")
        insertRowid = try database.cachedStatement(
            "INSERT INTO \"\(table)_rowid\" (rowid, nodeno) VALUES (?, ?)")
        insertParent = try database.cachedStatement(
            "INSERT INTO \"\(table)_parent\" (nodeno, parentnode) VALUES (?, ?)")
    }

    mutating func write(_ cells: [Cell], isLeaf: Bool) throws -> Int64 {
        let node = nextNode
        nextNode += 1
        try store(node, cells: cells, depth: 0, isLeaf: isLeaf)
        return node
    }

    mutating func writeRoot(_ cells: [Cell], depth: Int, isLeaf: Bool) throws {
        try store(1, cells: cells, depth: depth, isLeaf: isLeaf)
    }

    private func store(_ node: Int64, cells: [Cell], depth: Int, isLeaf: Bool) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(nodeSize)
        bytes += [UInt8(depth >> 8), UInt8(depth & 0xFF)]
        bytes += [UInt8(cells.count >> 8), UInt8(cells.count & 0xFF)]
        for cell in cells { cell.append(to: &bytes) }
        bytes += [UInt8](repeating: 0, count: nodeSize - bytes.count)
        try insertNode.execute(node, bytes)
        for cell in cells {
            if isLeaf {
                try insertRowid.execute(cell.id, node)
            } else {
                try insertParent.execute(cell.id, node)
            }
        }
    }
}
