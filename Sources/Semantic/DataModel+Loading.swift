public import Foundation
import Yams

extension DataModel {
    /// Reads every `*.yml` / `*.yaml` file under `directory` (recursively, e.g.
    /// `model/cubes` and `model/views`) in Cube's YAML format and validates the result.
    ///
    /// Files are named in errors relative to the folder's parent (`model/cubes/x.yml`).
    /// The first problem found, in file order, is thrown as a ``SemanticError``.
    public static func load(from directory: URL) throws -> DataModel {
        var reader = ModelReader()
        for file in try modelFiles(in: directory) {
            let name = directory.lastPathComponent + "/" + file
            let text: String
            do {
                text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            } catch {
                throw SemanticError(.invalidFile, file: name, "cannot read the file: \(error.localizedDescription)")
            }
            try reader.read(yaml: text, file: name)
        }
        return try ModelValidator(cubes: reader.cubes, views: reader.views).validate()
    }

    /// Loads a model from YAML texts keyed by file name, as if each were a file (for tests
    /// and for models that do not live on disk).
    public static func load(files: [(name: String, yaml: String)]) throws -> DataModel {
        var reader = ModelReader()
        for file in files { try reader.read(yaml: file.yaml, file: file.name) }
        return try ModelValidator(cubes: reader.cubes, views: reader.views).validate()
    }

    private static func modelFiles(in directory: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw SemanticError(.invalidFile, file: directory.path, "the model folder does not exist")
        }
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var files: [String] = []
        while let file = enumerator.nextObject() as? String {
            if file.hasSuffix(".yml") || file.hasSuffix(".yaml") { files.append(file) }
        }
        return files.sorted()
    }
}
