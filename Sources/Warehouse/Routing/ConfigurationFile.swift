import Foundation
import Yams

/// Reads YAML configuration files into `Decodable` types, turning every failure into a
/// ``WarehouseError`` that names the file, the key and what was expected.
///
/// Any string value may reference environment variables as `${NAME}` (credentials stay
/// out of the file). Variables come from the process environment, then from a `.env`
/// file (`KEY=VALUE` lines, `#` comments) in the project root (the folder above the one
/// holding the file) or beside the file; the process environment wins. A reference to a
/// variable set nowhere is an error naming the variable and the key. Secrets must be
/// written so: a password, secret or API key typed into the file itself is refused.
public enum ConfigurationFile {
    /// Decodes the YAML file at `path`, expanding `${NAME}` from `environment` (the process
    /// environment by default) and the project's `.env` file.
    public static func decode<T: Decodable>(
        _ type: T.Type, from path: String,
        environment: [String: String]? = nil
    ) throws -> T {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard FileManager.default.fileExists(atPath: path) else {
            throw WarehouseError(.invalidConfiguration, "\(path): configuration file not found")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw WarehouseError(.invalidConfiguration, "\(path): cannot read the file: \(error.localizedDescription)")
        }
        let variables = try dotEnvVariables(besideConfigurationAt: path).merging(environment) { _, process in process }
        return try decode(type, yaml: text, file: path, environment: variables)
    }

    /// Decodes YAML text; `file` names it in errors. `${NAME}` references are expanded from
    /// `environment` (the process environment when nil).
    public static func decode<T: Decodable>(
        _ type: T.Type, yaml text: String, file: String,
        environment: [String: String]? = nil
    ) throws -> T {
        let environment = environment ?? ProcessInfo.processInfo.environment
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return try YAMLDecoder().decode(type, from: text)
            }
            try SecretCheck.refuseLiteralSecrets(in: node, path: [])
            let expanded = try EnvironmentExpander(environment: environment).expand(node, path: [])
            return try YAMLDecoder().decode(type, from: expanded)
        } catch let error as DecodingError {
            throw WarehouseError(.invalidConfiguration, "\(file): \(describe(error))")
        } catch let error as WarehouseError {
            throw WarehouseError(error.code, "\(file): \(error.message)")
        } catch {
            throw WarehouseError(.invalidConfiguration, "\(file): not valid YAML: \(describeSyntaxError(error))")
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
                return "not valid YAML: \(describeSyntaxError(underlying))"
            }
            return "key \(keyPath(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// A YAML syntax error's position and problem, without the quoted line Yams appends:
    /// that line may hold a password or a secret.
    static func describeSyntaxError(_ error: any Error) -> String {
        guard let yaml = error as? YamlError else { return "\(error)" }
        func located(_ mark: Mark, _ context: YamlError.Context?, _ problem: String) -> String {
            let during = context.map { " (\($0.text) in line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "line \(mark.line), column \(mark.column): \(problem)\(during)"
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(mark, context, problem)
        case .reader(let problem, let offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        default:
            return "\(yaml)"
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

extension ConfigurationFile {
    /// The variables of the `.env` files in the project root (the folder above the one
    /// holding the configuration file) and beside the configuration file; the latter wins.
    static func dotEnvVariables(besideConfigurationAt path: String) throws -> [String: String] {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var variables: [String: String] = [:]
        for candidate in [folder.deletingLastPathComponent(), folder] {
            let file = candidate.appendingPathComponent(".env").standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: file) else { continue }
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw WarehouseError(.invalidConfiguration, "\(file): cannot read the file: \(error.localizedDescription)")
            }
            variables.merge(try parseDotEnv(text, file: file)) { _, later in later }
        }
        return variables
    }

    /// Reads `KEY=VALUE` lines: `#` starts a comment line, `export ` is allowed before the
    /// key, and a value in matching single or double quotes loses them (a `#` inside an
    /// unquoted value is part of it, as passwords may hold one).
    public static func parseDotEnv(_ text: String, file: String) throws -> [String: String] {
        var variables: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            line = line.drop(while: { $0 == " " || $0 == "\t" })
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count) }
            guard let equals = line.firstIndex(of: "=") else {
                throw WarehouseError(.invalidConfiguration, "\(file):\(number + 1): expected KEY=VALUE")
            }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            guard EnvironmentExpander.isValidName(key) else {
                throw WarehouseError(
                    .invalidConfiguration, "\(file):\(number + 1): '\(key)' is not a variable name (letters, digits, _)")
            }
            var value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            variables[key] = value
        }
        return variables
    }
}

/// Replaces `${NAME}` in every string value (not in keys) of a YAML tree.
struct EnvironmentExpander {
    let environment: [String: String]

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }
    }

    func expand(_ node: Node, path: [String]) throws -> Node {
        switch node {
        case .scalar(var scalar):
            guard scalar.string.contains("${") else { return node }
            let mark = scalar.mark
            scalar.string = try substitute(scalar.string, path: path)
            // The value reads as if typed plainly in the file: "${TIMEOUT}" may fill an
            // integer key, which a quoted scalar would refuse.
            scalar.style = .plain
            scalar.mark = mark
            return .scalar(scalar)
        case .mapping(let mapping):
            let pairs = try mapping.map { pair in
                (pair.key, try expand(pair.value, path: path + [pair.key.string ?? "?"]))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            let nodes = try sequence.enumerated().map { index, element in
                try expand(element, path: path.isEmpty ? ["[\(index)]"] : path.dropLast() + [path.last! + "[\(index)]"])
            }
            return .sequence(Node.Sequence(nodes, sequence.tag, sequence.style, sequence.mark))
        default:
            return node
        }
    }

    /// `${NAME}` becomes the variable's value; `$${` stays a literal `${`.
    func substitute(_ text: String, path: [String]) throws -> String {
        let key = path.isEmpty ? "(top level)" : path.joined(separator: ".")
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                result += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{") else {
                result += "$"
                rest = after
                continue
            }
            guard let close = after.firstIndex(of: "}") else {
                throw WarehouseError(.invalidConfiguration, "key \(key): unterminated ${ (write ${NAME})")
            }
            let name = String(after[after.index(after: after.startIndex)..<close])
            guard Self.isValidName(name) else {
                throw WarehouseError(
                    .invalidConfiguration, "key \(key): '${\(name)}' is not a variable reference (letters, digits, _)")
            }
            guard let value = environment[name] else {
                throw WarehouseError(
                    .invalidConfiguration,
                    "key \(key): environment variable \(name) is not set (set it, or add \(name)=... to .env)")
            }
            result += value
            rest = after[after.index(after: close)...]
        }
        result += rest
        return result
    }
}

/// Secrets come from the environment or `.env` only, never from the configuration file,
/// which tends to end up in version control, tickets and screenshots. A key that holds a
/// secret (`password`, `jwt_secret`, `api_key`, `secret`) must be a `${NAME}` reference,
/// and so must the password part of a URL (`postgres://user:${PG_PASSWORD}@host/db`, or
/// the whole URL as `${NESTLE_PG_URL}`).
enum SecretCheck {
    /// Parts of a key name that mark a secret (`db_password`, `client_secret`,
    /// `s3_secret_access_key`, `api_key`, `access_token`, …).
    static let secretMarks = ["password", "passwd", "secret", "api_key", "apikey", "credential", "private_key"]

    /// Whether `key` names a secret value; `api_key_env`, `jwks_file` and the like name
    /// where a secret is, not the secret.
    static func holdsSecret(_ key: String) -> Bool {
        if key.hasSuffix("_env") || key.hasSuffix("_file") || key.hasSuffix("_path") { return false }
        return secretMarks.contains { key.contains($0) } || key == "token" || key.hasSuffix("_token")
    }

    static func refuseLiteralSecrets(in node: Node, path: [String]) throws {
        switch node {
        case .scalar(let scalar):
            guard let key = path.last?.lowercased() else { return }
            let text = scalar.string
            let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(text)
            if holdsSecret(key), !isNull, !isReference(text) {
                throw refusal(path, "holds a secret typed into the file")
            }
            if let password = urlPassword(text), !isReference(password) {
                throw refusal(path, "holds a URL with a password typed into the file")
            }
        case .mapping(let mapping):
            for pair in mapping { try refuseLiteralSecrets(in: pair.value, path: path + [pair.key.string ?? "?"]) }
        case .sequence(let sequence):
            for element in sequence { try refuseLiteralSecrets(in: element, path: path) }
        default:
            return
        }
    }

    private static func refusal(_ path: [String], _ problem: String) -> WarehouseError {
        WarehouseError(
            .invalidConfiguration,
            "key \(path.joined(separator: ".")): \(problem); secrets come from the environment: write ${NAME} and set NAME in the environment or in .env")
    }

    /// The whole value is one `${NAME}` reference.
    private static func isReference(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("${") && trimmed.hasSuffix("}") && trimmed.count > 3
            && trimmed.dropFirst(2).dropLast().allSatisfy { $0 != "}" && $0 != "$" && $0 != "{" }
    }

    /// The password of `scheme://user:password@host…`, if the text is such a URL.
    private static func urlPassword(_ text: String) -> String? {
        guard let scheme = text.range(of: "://") else { return nil }
        let authority = text[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        let password = userInfo[userInfo.index(after: colon)...]
        return password.isEmpty ? nil : String(password)
    }
}
