import Foundation
import Yams

/// Reads YAML configuration files into `Decodable` types, turning every failure into a
/// ``WarehouseError`` that names the file, the key and what was expected.
public enum ConfigurationFile {
    /// Decodes the YAML file at `path`.
    public static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw WarehouseError(.invalidConfiguration, "\(path): configuration file not found")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw WarehouseError(.invalidConfiguration, "\(path): cannot read the file: \(error.localizedDescription)")
        }
        return try decode(type, yaml: text, file: path)
    }

    /// Decodes YAML text; `file` names it in errors.
    public static func decode<T: Decodable>(_ type: T.Type, yaml text: String, file: String) throws -> T {
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as DecodingError {
            throw WarehouseError(.invalidConfiguration, "\(file): \(describe(error))")
        } catch let error as WarehouseError {
            throw WarehouseError(error.code, "\(file): \(error.message)")
        } catch {
            throw WarehouseError(.invalidConfiguration, "\(file): not valid YAML: \(error)")
        }
    }

    static func keyPath(_ path: [any CodingKey]) -> String {
        let parts = path.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
        return parts.isEmpty ? "(top level)" : parts.joined(separator: ".").replacing(".[", with: "[")
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            let parent = keyPath(context.codingPath)
            return "key \(keyPath(context.codingPath + [key])): missing (required in \(parent))"
        case .typeMismatch(let type, let context):
            return "key \(keyPath(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "key \(keyPath(context.codingPath)): expected \(typeName(type)), found nothing"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let underlying = context.underlyingError {
                return "not valid YAML: \(underlying)"
            }
            return "key \(keyPath(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is Double.Type: return "a number"
        default:
            // Yams reports the YAML node kind it needed, not the Swift type.
            let name = String(describing: type)
            if name.hasPrefix("Dictionary") || name.contains("Mapping") { return "a mapping" }
            if name.hasPrefix("Array") || name.contains("Sequence") { return "a list" }
            if name.contains("Scalar") { return "a single value" }
            return "a mapping"
        }
    }
}
