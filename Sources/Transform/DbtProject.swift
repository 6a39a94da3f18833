public import Foundation
public import Warehouse
import Yams

/// A dbt project read from disk: its models, sources, variables and schema tests.
public struct DbtProject: Sendable {
    /// How a model is built.
    public enum Materialization: String, Sendable, Hashable {
        case view, table, incremental, ephemeral
    }

    /// One `.sql` model.
    public struct Model: Sendable {
        /// The model name (file name without `.sql`).
        public var name: String
        /// Path relative to the project, e.g. `models/marts/dim_date.sql`.
        public var file: String
        /// Materialization from `config()`, the project's folder config, or `view`.
        public var materialization: Materialization
        /// Columns that identify a row, for incremental delete+insert.
        public var uniqueKey: [String]
        /// `incremental_strategy='append'`: insert without deleting matching keys.
        public var appendOnly: Bool
        /// Models this one `ref()`s.
        public var dependencies: [String]
        /// Sources this one reads, as (source, table).
        public var sources: [SourceTable.ID]
        let template: JinjaTemplate
    }

    /// One table of a `sources:` entry.
    public struct SourceTable: Sendable, Hashable {
        /// (source name, table name) as written in `source()`.
        public struct ID: Sendable, Hashable, Comparable {
            public var source: String
            public var table: String
            public static func < (a: ID, b: ID) -> Bool { (a.source, a.table) < (b.source, b.table) }
        }
        /// How models name it.
        public var id: ID
        /// Schema, when the source sets one.
        public var schema: String?
        /// The table's real name (`identifier:`, else the table name).
        public var identifier: String
    }

    /// One generic schema test on a column.
    public struct SchemaTest: Sendable, Hashable {
        /// The test kind with its arguments.
        public enum Kind: Sendable, Hashable {
            case notNull
            case unique
            case acceptedValues([Value])
            case relationships(to: Relation, field: String)
        }

        /// What is tested: a model or a source table.
        public enum Relation: Sendable, Hashable {
            case model(String)
            case source(SourceTable.ID)
        }

        /// The relation under test.
        public var relation: Relation
        /// The column under test.
        public var column: String
        /// The check.
        public var kind: Kind
        /// `warn` tests report but do not fail the run.
        public var isWarning: Bool
        /// An optional SQL filter from the test's `config: {where: …}`.
        public var whereClause: String?
        /// The schema file that declares the test.
        public var file: String

        /// A dbt-style name such as `not_null_dim_date_date_key`.
        public var name: String {
            let column = String(self.column.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            let target: String
            switch relation {
            case .model(let m): target = m
            case .source(let s): target = "source_\(s.source)_\(s.table)"
            }
            switch kind {
            case .notNull: return "not_null_\(target)_\(column)"
            case .unique: return "unique_\(target)_\(column)"
            case .acceptedValues: return "accepted_values_\(target)_\(column)"
            case .relationships(let to, let field):
                let toName: String
                switch to {
                case .model(let m): toName = m
                case .source(let s): toName = "\(s.source)_\(s.table)"
                }
                return "relationships_\(target)_\(column)__\(field)__\(toName)"
            }
        }
    }

    /// The project folder.
    public var directory: URL
    /// `name:` from dbt_project.yml.
    public var name: String
    /// Models by name.
    public var models: [String: Model]
    /// Source tables by id.
    public var sources: [SourceTable.ID: SourceTable]
    /// `vars:` from dbt_project.yml, as text.
    public var vars: [String: String]
    /// All schema tests, in file order.
    public var tests: [SchemaTest]
    /// Macros of the macro paths (`macros/` by default), by name.
    var macros: [String: JinjaTemplate.Macro] = [:]
}

extension DbtProject {
    /// Reads `dbt_project.yml`, every model and every schema file under the model paths.
    public static func load(from directory: URL) throws -> DbtProject {
        let projectFile = directory.appendingPathComponent("dbt_project.yml")
        guard let text = try? String(contentsOf: projectFile, encoding: .utf8) else {
            throw TransformError(.invalidProject, file: "dbt_project.yml", "cannot read \(projectFile.path)")
        }
        let root: [String: Any]
        do {
            guard let loaded = try Yams.load(yaml: text) as? [String: Any] else {
                throw TransformError(.invalidProject, file: "dbt_project.yml", "expected a mapping at the top level")
            }
            root = loaded
        } catch let error as TransformError {
            throw error
        } catch {
            throw TransformError(.invalidProject, file: "dbt_project.yml", "not valid YAML: \(error)")
        }
        guard let name = root["name"] as? String else {
            throw TransformError(.invalidProject, file: "dbt_project.yml", "key name: missing")
        }
        let modelPaths = (root["model-paths"] as? [String]) ?? (root["source-paths"] as? [String]) ?? ["models"]
        var vars: [String: String] = [:]
        for (key, value) in (root["vars"] as? [String: Any]) ?? [:] { vars[key] = "\(value)" }
        let folderConfig = FolderConfig(root: (root["models"] as? [String: Any])?[name] as? [String: Any] ?? [:])

        let macros = try loadMacros(
            directory: directory, paths: (root["macro-paths"] as? [String]) ?? ["macros"])
        var models: [String: Model] = [:]
        var disabled: Set<String> = []
        var schemaFiles: [String] = []
        for modelPath in modelPaths {
            let base = directory.appendingPathComponent(modelPath)
            guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
            var files: [String] = []
            while let file = enumerator.nextObject() as? String { files.append(file) }
            for file in files.sorted() {
                let relative = modelPath + "/" + file
                if file.hasSuffix(".yml") || file.hasSuffix(".yaml") {
                    schemaFiles.append(relative)
                    continue
                }
                guard file.hasSuffix(".sql") else { continue }
                let modelName = String(file.split(separator: "/").last!.dropLast(4))
                if let clash = models[modelName] {
                    throw TransformError(.invalidProject, file: relative, "model name '\(modelName)' is also used by \(clash.file)")
                }
                let sql = try String(contentsOf: directory.appendingPathComponent(relative), encoding: .utf8)
                let folders = file.split(separator: "/").dropLast().map(String.init)
                if let model = try Model.parse(
                    name: modelName, file: relative, sql: sql, defaults: folderConfig.settings(for: folders),
                    macros: Set(macros.keys))
                {
                    models[modelName] = model
                } else {
                    disabled.insert(modelName)
                }
            }
        }
        var project = DbtProject(directory: directory, name: name, models: models, sources: [:], vars: vars, tests: [])
        project.macros = macros
        for file in schemaFiles { try project.readSchemaFile(file, disabled: disabled) }
        try project.checkReferences()
        return project
    }

    /// Reads every `.sql` file under the macro paths. Macros take no arguments; their
    /// bodies may call other macros only (and dispatch, see JinjaTemplate).
    private static func loadMacros(directory: URL, paths: [String]) throws -> [String: JinjaTemplate.Macro] {
        var macros: [String: JinjaTemplate.Macro] = [:]
        for path in paths {
            let base = directory.appendingPathComponent(path)
            guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
            var files: [String] = []
            while let file = enumerator.nextObject() as? String { files.append(file) }
            for file in files.sorted() where file.hasSuffix(".sql") {
                let relative = path + "/" + file
                let text = try String(contentsOf: directory.appendingPathComponent(relative), encoding: .utf8)
                for macro in try JinjaTemplate(text, file: relative, isMacroFile: true).macros {
                    if let clash = macros[macro.name] {
                        throw TransformError(.invalidProject, file: relative, line: macro.line, "macro '\(macro.name)' is also defined in \(clash.file)")
                    }
                    macros[macro.name] = macro
                }
            }
        }
        for macro in macros.values {
            for (call, line) in JinjaTemplate.calls(in: macro.body) where macros[call.name] == nil || call.isBare {
                throw TransformError(
                    .unsupportedJinja, file: macro.file, line: line, "'\(call.name)' is not supported in a macro; macros may call macros only")
            }
        }
        return macros
    }

    private mutating func readSchemaFile(_ file: String, disabled: Set<String>) throws {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        let yaml: [String: Any]
        do {
            yaml = (try Yams.load(yaml: text) as? [String: Any]) ?? [:]
        } catch {
            throw TransformError(.invalidProject, file: file, "not valid YAML: \(error)")
        }
        for source in (yaml["sources"] as? [[String: Any]]) ?? [] {
            guard let sourceName = source["name"] as? String else {
                throw TransformError(.invalidProject, file: file, "a source has no name")
            }
            for table in (source["tables"] as? [[String: Any]]) ?? [] {
                guard let tableName = table["name"] as? String else {
                    throw TransformError(.invalidProject, file: file, "a table of source '\(sourceName)' has no name")
                }
                let id = SourceTable.ID(source: sourceName, table: tableName)
                sources[id] = SourceTable(
                    id: id, schema: try Self.sourceSchema(source["schema"] as? String, file: file),
                    identifier: (table["identifier"] as? String) ?? tableName)
                try readColumnTests(table, relation: .source(id), file: file)
            }
        }
        for model in (yaml["models"] as? [[String: Any]]) ?? [] {
            guard let modelName = model["name"] as? String else {
                throw TransformError(.invalidProject, file: file, "a model entry has no name")
            }
            if disabled.contains(modelName) { continue }
            guard models[modelName] != nil else {
                throw TransformError(.missingReference, file: file, "describes model '\(modelName)', which has no .sql file")
            }
            // Model-level generic tests name their column (or expression) in `column_name:`.
            for item in ((model["data_tests"] ?? model["tests"]) as? [Any]) ?? [] {
                guard let mapping = item as? [String: Any], mapping.count == 1, let (_, value) = mapping.first,
                    let arguments = value as? [String: Any],
                    let column = (arguments["column_name"] ?? (arguments["arguments"] as? [String: Any])?["column_name"]) as? String
                else {
                    throw TransformError(
                        .invalidProject, file: file, "a model-level test on '\(modelName)' needs column_name (\(item))")
                }
                tests.append(try Self.parseTest(item, relation: .model(modelName), column: column, file: file))
            }
            try readColumnTests(model, relation: .model(modelName), file: file)
        }
    }

    /// A source's `schema:`; `{{ target.schema }}` (how a project keeps sources in the
    /// target schema) means the default schema, other Jinja is refused.
    static func sourceSchema(_ raw: String?, file: String) throws -> String? {
        guard let raw else { return nil }
        guard raw.contains("{{") || raw.contains("{%") else { return raw }
        let inner = raw.trimmingWhitespace()
        if inner.hasPrefix("{{"), inner.hasSuffix("}}"),
            String(inner.dropFirst(2).dropLast(2)).trimmingWhitespace() == "target.schema"
        {
            return nil
        }
        throw TransformError(.unsupportedJinja, file: file, "source schema '\(raw)' is not supported; use a name or {{ target.schema }}")
    }

    private mutating func readColumnTests(_ entry: [String: Any], relation: SchemaTest.Relation, file: String) throws {
        for column in (entry["columns"] as? [[String: Any]]) ?? [] {
            guard let columnName = column["name"] as? String else {
                throw TransformError(.invalidProject, file: file, "a column entry has no name")
            }
            let declared = ((column["data_tests"] ?? column["tests"]) as? [Any]) ?? []
            for item in declared {
                tests.append(try Self.parseTest(item, relation: relation, column: columnName, file: file))
            }
        }
    }

    static func parseTest(_ item: Any, relation: SchemaTest.Relation, column: String, file: String) throws -> SchemaTest {
        let name: String
        var arguments: [String: Any] = [:]
        if let plain = item as? String {
            name = plain
        } else if let mapping = item as? [String: Any], mapping.count == 1, let (key, value) = mapping.first {
            name = key
            arguments = (value as? [String: Any]) ?? [:]
        } else {
            throw TransformError(.invalidProject, file: file, "column \(column): cannot read test \(item)")
        }
        // dbt 1.10 nests arguments under `arguments:`; older projects put them inline.
        if let nested = arguments["arguments"] as? [String: Any] { arguments.merge(nested) { _, new in new } }
        let config = (arguments["config"] as? [String: Any]) ?? [:]
        let severity = ((config["severity"] ?? arguments["severity"]) as? String)?.lowercased() ?? "error"
        let whereClause = (config["where"] ?? arguments["where"]) as? String
        let kind: SchemaTest.Kind
        switch name {
        case "not_null": kind = .notNull
        case "unique": kind = .unique
        case "accepted_values":
            guard let values = arguments["values"] as? [Any] else {
                throw TransformError(.invalidProject, file: file, "column \(column): accepted_values needs values")
            }
            // With `quote: false` dbt writes the values as SQL numbers; bind them as such.
            let quote = (arguments["quote"] as? Bool) ?? true
            kind = .acceptedValues(
                values.map { value in
                    if !quote, let int = value as? Int { return .int(Int64(int)) }
                    if !quote, let decimal = SQLDecimal("\(value)") { return .decimal(decimal) }
                    return .string("\(value)")
                })
        case "relationships":
            guard let to = arguments["to"] as? String, let field = arguments["field"] as? String else {
                throw TransformError(.invalidProject, file: file, "column \(column): relationships needs to and field")
            }
            let call = try JinjaTemplate.parseExpression(to, file: file, line: 0)
            switch (call.name, call.arguments.compactMap(\.text)) {
            case ("ref", let args) where args.count == 1: kind = .relationships(to: .model(args[0]), field: field)
            case ("source", let args) where args.count == 2:
                kind = .relationships(to: .source(.init(source: args[0], table: args[1])), field: field)
            default:
                throw TransformError(.invalidProject, file: file, "column \(column): relationships 'to' must be ref() or source()")
            }
        default:
            throw TransformError(
                .invalidProject, file: file,
                "column \(column): test '\(name)' is not supported (supported: unique, not_null, accepted_values, relationships)")
        }
        return SchemaTest(
            relation: relation, column: column, kind: kind, isWarning: severity == "warn", whereClause: whereClause, file: file)
    }

    private func checkReferences() throws {
        for model in models.values.sorted(by: { $0.file < $1.file }) {
            for (call, line) in model.template.calls {
                switch call.name {
                case "ref":
                    let target = call.arguments.last?.text ?? ""
                    guard models[target] != nil else {
                        throw TransformError(.missingReference, file: model.file, line: line, "ref('\(target)') names no model in the project")
                    }
                case "source":
                    let args = call.arguments.compactMap(\.text)
                    guard args.count == 2, sources[.init(source: args[0], table: args[1])] != nil else {
                        throw TransformError(
                            .missingReference, file: model.file, line: line,
                            "source(\(args.map { "'\($0)'" }.joined(separator: ", "))) is not declared in any sources: block")
                    }
                default: break
                }
            }
        }
        for test in tests {
            if case .relationships(let to, _) = test.kind {
                switch to {
                case .model(let m) where models[m] == nil:
                    throw TransformError(.missingReference, file: test.file, "\(test.name): ref('\(m)') names no model")
                case .source(let s) where sources[s] == nil:
                    throw TransformError(.missingReference, file: test.file, "\(test.name): source('\(s.source)', '\(s.table)') is not declared")
                default: break
                }
            }
        }
    }
}

extension DbtProject.Model {
    /// The model, or nil when it is disabled (`enabled=false`), as dbt leaves it out of the graph.
    static func parse(name: String, file: String, sql: String, defaults: [String: Any], macros: Set<String> = []) throws
        -> DbtProject.Model?
    {
        let template = try JinjaTemplate(sql, file: file)
        var materialization = (defaults["materialized"] as? String) ?? "view"
        var uniqueKey: [String] = []
        var appendOnly = false
        var enabled = (defaults["enabled"] as? Bool) ?? true
        var dependencies: [String] = []
        var sources: [DbtProject.SourceTable.ID] = []
        var sawConfig = false
        for (call, line) in template.calls {
            func fail(_ message: String) -> TransformError { TransformError(.unsupportedJinja, file: file, line: line, message) }
            switch call.name {
            case "ref":
                guard !call.isBare, (1...2).contains(call.arguments.count), call.keywordArguments.isEmpty,
                    let target = call.arguments.last?.text
                else { throw fail("ref() takes one model name") }
                if !dependencies.contains(target) { dependencies.append(target) }
            case "source":
                let args = call.arguments.compactMap(\.text)
                guard !call.isBare, args.count == 2, call.arguments.count == 2, call.keywordArguments.isEmpty else {
                    throw fail("source() takes a source name and a table name")
                }
                sources.append(.init(source: args[0], table: args[1]))
            case "config":
                guard !sawConfig else { throw fail("config() may appear only once") }
                sawConfig = true
                guard call.arguments.isEmpty else { throw fail("config() takes keyword arguments only") }
                for (key, value) in call.keywordArguments {
                    switch key {
                    case "materialized":
                        guard let m = value.text else { throw fail("materialized must be a string") }
                        materialization = m
                    case "unique_key":
                        switch value {
                        case .string(let k): uniqueKey = [k]
                        case .list(let ks): uniqueKey = ks.compactMap(\.text)
                        default: throw fail("unique_key must be a string or a list of strings")
                        }
                    case "incremental_strategy":
                        guard ["delete+insert", "append"].contains(value.text ?? "") else {
                            throw fail("incremental_strategy '\(value.text ?? "")' is not supported (delete+insert, append)")
                        }
                        appendOnly = value.text == "append"
                    case "enabled":
                        guard case .bool(let flag) = value else { throw fail("enabled must be true or false") }
                        enabled = flag
                    case "tags", "on_schema_change", "docs", "meta":
                        break
                    default:
                        throw fail("config(\(key)=…) is not supported")
                    }
                }
            case "this", "is_incremental":
                guard call.name == "this" ? call.isBare : true else { throw fail("this is not a function") }
            case "var":
                guard !call.isBare, (1...2).contains(call.arguments.count), call.arguments[0].text != nil else {
                    throw fail("var() takes a name and an optional default")
                }
            case let name where macros.contains(name) && !call.isBare:
                guard call.arguments.isEmpty, call.keywordArguments.isEmpty else { throw fail("macro '\(name)' takes no arguments") }
            default:
                throw fail("'\(call.name)' is not supported; models may use ref, source, config, this, var, is_incremental and the project's macros")
            }
        }
        guard let kind = DbtProject.Materialization(rawValue: materialization), kind != .ephemeral else {
            throw TransformError(.unsupportedJinja, file: file, "materialized='\(materialization)' is not supported (view, table, incremental)")
        }
        if kind == .incremental, uniqueKey.isEmpty {
            // Without a key dbt appends; so do we.
        }
        guard enabled else { return nil }
        return DbtProject.Model(
            name: name, file: file, materialization: kind, uniqueKey: uniqueKey, appendOnly: appendOnly,
            dependencies: dependencies, sources: sources, template: template)
    }
}

/// The `models:` tree of dbt_project.yml: `+materialized` (or `materialized`) per folder,
/// inherited by subfolders.
struct FolderConfig {
    let root: [String: Any]

    func settings(for folders: [String]) -> [String: Any] {
        var result: [String: Any] = [:]
        var node: [String: Any]? = root
        var depth = 0
        while let current = node {
            for (key, value) in current where !(value is [String: Any]) {
                result[key.hasPrefix("+") ? String(key.dropFirst()) : key] = value
            }
            guard depth < folders.count else { break }
            node = current[folders[depth]] as? [String: Any]
            depth += 1
        }
        return result
    }
}
