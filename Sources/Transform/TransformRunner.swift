public import Logging
public import Warehouse
import Foundation

/// Runs a dbt project against one tenant's database: models in dependency order, each
/// materialized as dbt would (view, table, incremental delete+insert), then the schema
/// tests. A failed model leaves the tables built before it intact and skips only the
/// models downstream of it, so a rerun continues where it stopped.
public struct TransformRunner: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// dbt selectors (`name`, `name+`, `+name`, `path:models/marts`); empty selects all.
        public var select: [String]
        /// Rebuild incremental models from scratch.
        public var fullRefresh: Bool
        /// Variables overriding `vars:` of dbt_project.yml.
        public var vars: [String: String]
        /// Run the schema tests after the models.
        public var runTests: Bool

        /// Makes options; the defaults run everything.
        public init(select: [String] = [], fullRefresh: Bool = false, vars: [String: String] = [:], runTests: Bool = true) {
            self.select = select
            self.fullRefresh = fullRefresh
            self.vars = vars
            self.runTests = runTests
        }
    }

    /// How one model went.
    public struct ModelResult: Sendable {
        /// `success`, `error` or `skipped`.
        public enum Status: String, Sendable { case success, error, skipped }
        /// The model name.
        public var name: String
        /// Its file.
        public var file: String
        /// What was built: `view`, `table`, `incremental` (or `incremental (full)` for a first build).
        public var action: String
        /// The outcome.
        public var status: Status
        /// Seconds taken.
        public var seconds: Double
        /// Rows in the relation afterwards (tables only).
        public var rows: Int?
        /// Why it failed or was skipped.
        public var message: String?
    }

    /// How one schema test went.
    public struct TestResult: Sendable {
        /// `pass`, `fail`, `warn` or `error`.
        public enum Status: String, Sendable { case pass, fail, warn, error }
        /// The dbt-style test name.
        public var name: String
        /// The schema file declaring it.
        public var file: String
        /// The outcome.
        public var status: Status
        /// Failing rows (0 on pass).
        public var failures: Int
        /// The database's message when the test query itself failed.
        public var message: String?
    }

    /// Something happened: for progress output.
    public enum Event: Sendable {
        /// A model is about to be built (1-based index of total).
        case modelStarted(index: Int, total: Int, model: String, materialization: String)
        /// A model finished.
        case modelFinished(index: Int, total: Int, result: ModelResult)
        /// A test finished.
        case testFinished(index: Int, total: Int, result: TestResult)
    }

    /// The whole run.
    public struct Report: Sendable {
        /// Models in build order.
        public var models: [ModelResult]
        /// Tests in declaration order.
        public var tests: [TestResult]

        /// True when no model failed and no error-severity test failed.
        public var succeeded: Bool {
            models.allSatisfy { $0.status == .success } && tests.allSatisfy { $0.status == .pass || $0.status == .warn }
        }

        /// One line: counts per outcome.
        public var summary: String {
            func count<T>(_ items: [T], _ predicate: (T) -> Bool) -> Int { items.filter(predicate).count }
            return "\(models.count) models (\(count(models) { $0.status == .success }) ok, "
                + "\(count(models) { $0.status == .error }) error, \(count(models) { $0.status == .skipped }) skipped); "
                + "\(tests.count) tests (\(count(tests) { $0.status == .pass }) pass, \(count(tests) { $0.status == .warn }) warn, "
                + "\(count(tests) { $0.status == .fail }) fail, \(count(tests) { $0.status == .error }) error)"
        }
    }

    let project: DbtProject
    let database: any Database
    let logger: Logger
    /// Where the models are built and the raw tables are read (dbt's `target.schema`).
    let schema: String

    /// Makes a runner for `project` on `database`, building in `schema` (the engine's
    /// default schema when nil: `main`, `public` or `dbo`).
    public init(project: DbtProject, database: any Database, schema: String? = nil, logger: Logger) {
        self.project = project
        self.database = database
        self.logger = logger
        self.schema = schema ?? database.dialect.defaultSchema
    }

    private var dialect: SQLDialect { database.dialect }

    func relation(_ name: String) -> String {
        dialect.quoteIdentifier(schema) + "." + dialect.quoteIdentifier(name)
    }

    func relation(_ test: DbtProject.SchemaTest.Relation) -> String {
        switch test {
        case .model(let name): return relation(name)
        case .source(let id):
            let source = project.sources[id]!
            return dialect.quoteIdentifier(source.schema ?? schema) + "." + dialect.quoteIdentifier(source.identifier)
        }
    }

    /// Runs the selected models and their tests.
    public func run(_ options: Options = .init(), progress: (Event) -> Void = { _ in }) async throws -> Report {
        let graph = ModelGraph(project: project)
        let selected = options.select.isEmpty ? nil : try graph.select(options.select)
        let order = try graph.buildOrder(of: selected)
        var vars = project.vars
        vars.merge(options.vars) { _, new in new }

        var results: [ModelResult] = []
        var failed: Set<String> = []
        for (offset, model) in order.enumerated() {
            let index = offset + 1
            if let blocker = model.dependencies.first(where: { failed.contains($0) }) {
                failed.insert(model.name)
                let result = ModelResult(
                    name: model.name, file: model.file, action: model.materialization.rawValue, status: .skipped, seconds: 0,
                    message: "skipped because \(blocker) failed")
                results.append(result)
                progress(.modelFinished(index: index, total: order.count, result: result))
                continue
            }
            progress(.modelStarted(index: index, total: order.count, model: model.name, materialization: model.materialization.rawValue))
            let clock = ContinuousClock()
            let start = clock.now
            var result: ModelResult
            do {
                let (action, rows) = try await build(model, vars: vars, fullRefresh: options.fullRefresh)
                result = ModelResult(
                    name: model.name, file: model.file, action: action, status: .success, seconds: (clock.now - start).seconds,
                    rows: rows)
            } catch {
                failed.insert(model.name)
                let message: String
                switch error {
                case let error as WarehouseError: message = error.message
                case let error as TransformError: message = error.message
                default: message = "\(error)"
                }
                logger.error("model failed", metadata: ["model": "\(model.name)", "error": "\(message)"])
                result = ModelResult(
                    name: model.name, file: model.file, action: model.materialization.rawValue, status: .error,
                    seconds: (clock.now - start).seconds, message: "\(model.file): \(message)")
            }
            results.append(result)
            progress(.modelFinished(index: index, total: order.count, result: result))
        }

        var testResults: [TestResult] = []
        if options.runTests {
            let built = Set(results.filter { $0.status == .success }.map(\.name))
            let tests = project.tests.filter { test in
                switch test.relation {
                case .model(let name): return built.contains(name)
                case .source: return selected == nil
                }
            }
            for (offset, test) in tests.enumerated() {
                let result = await runTest(test)
                testResults.append(result)
                progress(.testFinished(index: offset + 1, total: tests.count, result: result))
            }
        }
        let built = results.filter { $0.status == .success }.count
        if built > 0 { await recordRun(modelsBuilt: built) }
        return Report(models: results, tests: testResults)
    }

    /// Notes the run in `etl_transform_runs` (migration 2), which servers watch to re-read
    /// the values people name in questions. A database migrated before that table existed
    /// only loses the notice, not the run.
    private func recordRun(modelsBuilt: Int) async {
        do {
            _ = try await database.execute(
                bookkeepingSQL.recordRun,
                [.timestamp(SQLTimestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))), .int(Int64(modelsBuilt))])
        } catch {
            logger.warning(
                "transform run not recorded; run `convai migrate` so that servers notice new data",
                metadata: ["error": "\(error)"])
        }
    }

    /// Empties the tables of incremental models, so that the next run reloads them in
    /// full. For loaders that replace the sources wholesale (`convai seed`): an incremental
    /// run only looks at recent rows and would keep facts of data that no longer exists.
    /// Returns the models emptied.
    public func resetIncrementalModels() async throws -> [String] {
        var emptied: [String] = []
        for model in project.models.values.sorted(by: { $0.name < $1.name }) where model.materialization == .incremental {
            guard let type = try await relationType(model.name), type != "VIEW" else { continue }
            try await database.execute("DELETE FROM \(relation(model.name))")
            emptied.append(model.name)
        }
        return emptied
    }

    // MARK: Models

    /// The runner's own queries around the models (parameters: schema, then name).
    struct BookkeepingSQL {
        /// A relation's `table_type` (`BASE TABLE`, `VIEW`).
        var relationType: String
        /// A table's columns in order.
        var columns: String
        /// Notes a finished run (timestamp, models built).
        var recordRun: String
    }

    var bookkeepingSQL: BookkeepingSQL {
        let (p1, p2) = (dialect.parameterMarker(1), dialect.parameterMarker(2))
        return BookkeepingSQL(
            relationType: "SELECT table_type FROM information_schema.tables WHERE table_schema = \(p1) AND table_name = \(p2)",
            columns: "SELECT column_name FROM information_schema.columns WHERE table_schema = \(p1) AND table_name = \(p2) ORDER BY ordinal_position",
            recordRun: "INSERT INTO \(relation("etl_transform_runs")) (finished_at, models_built) VALUES (\(p1), \(p2))")
    }

    /// Counts a built table's rows.
    func countSQL(_ name: String) -> String { "SELECT count(*) FROM \(relation(name))" }

    private func relationType(_ name: String) async throws -> String? {
        let result = try await database.query(
            bookkeepingSQL.relationType,
            [.string(schema), .string(name)])
        return result.rows.first?.first?.stringValue
    }

    func render(_ model: DbtProject.Model, vars: [String: String], isIncremental: Bool) throws -> String {
        let context = JinjaTemplate.Context(isIncremental: isIncremental, targetType: dialect.dbtTargetType, macros: project.macros)
        let sql = try model.template.render(context) { call, line in
            switch call.name {
            case "ref": return relation(call.arguments.last!.text!)
            case "source":
                let id = DbtProject.SourceTable.ID(source: call.arguments[0].text!, table: call.arguments[1].text!)
                return relation(.source(id))
            case "this": return relation(model.name)
            case "config": return ""
            case "is_incremental": return isIncremental ? "True" : "False"
            case "var":
                let name = call.arguments[0].text!
                if let value = vars[name] { return value }
                if call.arguments.count == 2, let fallback = call.arguments[1].text { return fallback }
                throw TransformError(.unsupportedJinja, file: model.file, line: line, "var('\(name)') has no value and no default")
            default:
                throw TransformError(.unsupportedJinja, file: model.file, line: line, "'\(call.name)' is not supported")
            }
        }
        var trimmed = sql.trimmingWhitespace()
        while trimmed.hasSuffix(";") { trimmed = String(trimmed.dropLast()).trimmingWhitespace() }
        return trimmed
    }

    private func dropStatement(_ name: String, type: String?) -> Statement? {
        switch type {
        case "VIEW": return Statement("DROP VIEW IF EXISTS \(relation(name))")
        case .some: return Statement("DROP TABLE IF EXISTS \(relation(name))")
        case nil: return nil
        }
    }

    /// The model's SQL as this runner sends it, Jinja rendered for this database (what
    /// `dbt compile` writes). `isIncremental` renders the `is_incremental()` blocks.
    public func compiledSQL(model name: String, vars: [String: String] = [:], isIncremental: Bool = false) throws -> String {
        guard let model = project.models[name] else {
            throw TransformError(.missingReference, "no model named '\(name)'")
        }
        var merged = project.vars
        merged.merge(vars) { _, new in new }
        return try render(model, vars: merged, isIncremental: isIncremental)
    }

    /// The statements that build `model` from its compiled `sql`, each list run in one
    /// transaction: for a view or a full build (`columns` nil) one list; for an
    /// incremental run two lists, staging the new rows, then replacing the rows of
    /// `columns` by key. `existing` is the relation's current `table_type`, if any.
    func materialization(
        _ model: DbtProject.Model, sql: String, existing: String?, incrementalColumns columns: [String]?
    ) -> [[Statement]] {
        let target = relation(model.name)
        let temporaryName = model.name + "__convai_tmp"
        let temporary = relation(temporaryName)
        // CREATE TABLE … AS does not exist in T-SQL, and SELECT … INTO cannot wrap a
        // model that starts with WITH (a CTE cannot be a derived table): as dbt-sqlserver
        // does, the SQL goes into a view first and the table is copied from that.
        func createTemporary() -> [Statement] {
            guard dialect == .sqlserver else { return [Statement("CREATE TABLE \(temporary) AS\n\(sql)")] }
            let view = relation(model.name + "__convai_tmp_vw")
            return [
                Statement("DROP VIEW IF EXISTS \(view)"),
                Statement("CREATE VIEW \(view) AS\n\(sql)"),
                Statement("SELECT * INTO \(temporary) FROM \(view)"),
                Statement("DROP VIEW \(view)"),
            ]
        }
        if model.materialization == .view {
            var statements: [Statement] = []
            if existing != nil, existing != "VIEW", let drop = dropStatement(model.name, type: existing) { statements.append(drop) }
            if dialect == .sqlserver {
                statements.append(Statement("CREATE OR ALTER VIEW \(target) AS\n\(sql)"))
            } else {
                statements.append(Statement("DROP VIEW IF EXISTS \(target)"))
                statements.append(Statement("CREATE VIEW \(target) AS\n\(sql)"))
            }
            return [statements]
        }
        guard let columns else {
            var statements = [Statement("DROP TABLE IF EXISTS \(temporary)")] + createTemporary()
            if let drop = dropStatement(model.name, type: existing) { statements.append(drop) }
            if dialect == .sqlserver {
                let from = (dialect.quoteIdentifier(schema) + "." + dialect.quoteIdentifier(temporaryName)).replacing("'", with: "''")
                statements.append(Statement("EXEC sp_rename N'\(from)', N'\(model.name.replacing("'", with: "''"))'"))
            } else {
                statements.append(Statement("ALTER TABLE \(temporary) RENAME TO \(dialect.quoteIdentifier(model.name))"))
            }
            return [statements]
        }
        let stage = [Statement("DROP TABLE IF EXISTS \(temporary)")] + createTemporary()
        let columnList = columns.map(dialect.quoteIdentifier).joined(separator: ", ")
        var statements: [Statement] = []
        if !model.uniqueKey.isEmpty, !model.appendOnly {
            let match = model.uniqueKey.map { key in
                "\(temporary).\(dialect.quoteIdentifier(key)) = \(target).\(dialect.quoteIdentifier(key))"
            }.joined(separator: " AND ")
            statements.append(Statement("DELETE FROM \(target) WHERE EXISTS (SELECT 1 FROM \(temporary) WHERE \(match))"))
        }
        statements.append(Statement("INSERT INTO \(target) (\(columnList)) SELECT \(columnList) FROM \(temporary)"))
        statements.append(Statement("DROP TABLE \(temporary)"))
        return [stage, statements]
    }

    /// The SQL statements that would build model `name` (see `materialization`): a full
    /// build when `existing` is nil, else as the current relation type says; an incremental
    /// run needs the target's `columns`. For checking the SQL sent to an engine without one.
    public func plannedStatements(
        model name: String, existing: String? = nil, incrementalColumns: [String]? = nil, vars: [String: String] = [:]
    ) throws -> [String] {
        guard let model = project.models[name] else {
            throw TransformError(.missingReference, "no model named '\(name)'")
        }
        let incremental = model.materialization == .incremental && incrementalColumns != nil
        let sql = try compiledSQL(model: name, vars: vars, isIncremental: incremental)
        return materialization(model, sql: sql, existing: existing, incrementalColumns: incremental ? incrementalColumns : nil)
            .flatMap { $0.map(\.sql) }
    }

    private func build(_ model: DbtProject.Model, vars: [String: String], fullRefresh: Bool) async throws -> (String, Int?) {
        let existing = try await relationType(model.name)
        switch model.materialization {
        case .view:
            let sql = try render(model, vars: vars, isIncremental: false)
            for statements in materialization(model, sql: sql, existing: existing, incrementalColumns: nil) {
                try await database.transaction(statements)
            }
            return ("view", nil)
        case .table, .incremental:
            let incremental = model.materialization == .incremental && existing != nil && existing != "VIEW" && !fullRefresh
            let sql = try render(model, vars: vars, isIncremental: incremental)
            if !incremental {
                for statements in materialization(model, sql: sql, existing: existing, incrementalColumns: nil) {
                    try await database.transaction(statements)
                }
                let rows = try await database.query(countSQL(model.name)).scalar?.intValue
                let action = model.materialization == .incremental ? "incremental (full)" : "table"
                return (action, rows.map(Int.init))
            }
            let columns = try await database.query(
                bookkeepingSQL.columns,
                [.string(schema), .string(model.name)]
            ).rows.compactMap { $0.first?.stringValue }
            for statements in materialization(model, sql: sql, existing: existing, incrementalColumns: columns) {
                try await database.transaction(statements)
            }
            let rows = try await database.query(countSQL(model.name)).scalar?.intValue
            return ("incremental", rows.map(Int.init))
        case .ephemeral:
            throw TransformError(.unsupportedJinja, file: model.file, "ephemeral models are not supported")
        }
    }

    // MARK: Tests

    /// The query counting a test's failing rows, with any accepted values as binds.
    func testQuery(_ test: DbtProject.SchemaTest) -> Statement {
        let base = relation(test.relation)
        let source = test.whereClause.map { "(SELECT * FROM \(base) WHERE \($0)) dbt_subquery" } ?? base
        // As in dbt, the column is inserted as written: it may be an expression such as
        // `concat(invoice_id, '-', line_number)`. It comes from the project, never from a
        // user. Derived tables name every column (as dbt's tests do): T-SQL requires it.
        let column = test.column
        switch test.kind {
        case .notNull:
            return Statement("SELECT count(*) FROM \(source) WHERE \(column) IS NULL")
        case .unique:
            return Statement(
                "SELECT count(*) FROM (SELECT \(column) AS unique_field FROM \(source) WHERE \(column) IS NOT NULL GROUP BY \(column) HAVING count(*) > 1) dbt_failures")
        case .acceptedValues(let values):
            let placeholders = values.indices.map { dialect.parameterMarker($0 + 1) }.joined(separator: ", ")
            return Statement(
                "SELECT count(*) FROM (SELECT \(column) AS value_field FROM \(source) GROUP BY \(column)) dbt_values "
                    // Quoted values are bound as text, as dbt writes them as string literals:
                // the engine casts them to the column's type, so 1.5 matches 1.50.
                + "WHERE value_field NOT IN (\(placeholders))",
                values)
        case .relationships(let to, let field):
            let parent = relation(to)
            let parentColumn = field
            return Statement(
                "SELECT count(*) FROM (SELECT \(column) AS from_field FROM \(source) WHERE \(column) IS NOT NULL) child "
                    + "LEFT JOIN (SELECT \(parentColumn) AS to_field FROM \(parent)) parent ON child.from_field = parent.to_field "
                    + "WHERE parent.to_field IS NULL")
        }
    }

    private func runTest(_ test: DbtProject.SchemaTest) async -> TestResult {
        let statement = testQuery(test)
        do {
            let failures = Int(try await database.query(statement.sql, statement.binds).scalar?.intValue ?? 0)
            let status: TestResult.Status = failures == 0 ? .pass : (test.isWarning ? .warn : .fail)
            return TestResult(name: test.name, file: test.file, status: status, failures: failures)
        } catch {
            let message = (error as? WarehouseError)?.message ?? "\(error)"
            return TestResult(name: test.name, file: test.file, status: .error, failures: 0, message: message)
        }
    }
}

extension SQLDialect {
    /// dbt's `target.type` for this engine, as the dbt adapters name it (dbt-duckdb,
    /// dbt-postgres, dbt-sqlserver, dbt-sqlite).
    var dbtTargetType: String {
        switch self {
        case .duckdb: return "duckdb"
        case .postgres: return "postgres"
        case .sqlserver: return "sqlserver"
        case .sqlite: return "sqlite"
        }
    }
}
