import Foundation

extension PlantedSignals {
    /// The record as pretty-printed JSON with sorted keys and a final newline: the same
    /// signals always give the same bytes.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads a record written by ``jsonString()``.
    public init(json: String) throws {
        self = try JSONDecoder().decode(PlantedSignals.self, from: Data(json.utf8))
    }

    /// Writes ``jsonString()`` to `path`, creating its folder.
    public func write(toFile path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try jsonString().utf8).write(to: url, options: .atomic)
    }

    /// Where planted.json goes beside a database file: `data/itc.duckdb` → `data/itc.planted.json`.
    public static func defaultPath(besideDatabaseFile path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let base = url.pathExtension.isEmpty ? url : url.deletingPathExtension()
        return base.path + ".planted.json"
    }
}
