public import Semantic
public import Warehouse

/// One distinct value of a dimension in a tenant's data.
public struct DimensionValue: Sendable, Hashable {
    /// The dimension, `Cube.member`.
    public var dimension: String
    /// The value exactly as stored (what a filter must use).
    public var value: String
    /// How common the value is (see ``ValueIndex/Configuration/frequencyMeasure``); `nil`
    /// when the dimension's cube has nothing to count with.
    public var frequency: Double?

    /// Makes a value.
    public init(dimension: String, value: String, frequency: Double? = nil) {
        self.dimension = dimension
        self.value = value
        self.frequency = frequency
    }
}

/// The distinct values of a tenant's string dimensions (brands, states, outlet names…), read
/// through the semantic layer and indexed so that a question naming "Brooke Bond" or
/// "tamil nadu" finds the dimension(s) holding that value.
///
/// A snapshot value: build one with ``build(model:database:configuration:)``, keep it where
/// the tenant's state lives and ``refresh(database:)`` it after each transform.
public struct ValueIndex: Sendable {
    /// What to index.
    public struct Configuration: Sendable {
        /// The dimensions to read (`Cube.member`); `nil` means every public, non-key string
        /// dimension of every public cube.
        public var dimensions: [String]?
        /// A measure (e.g. a fact cube's row count) whose value per dimension value ranks
        /// values "most important first". When it cannot be compiled for a dimension (no
        /// join path), or is `nil`, the dimension's own cube is counted instead: the first
        /// public `count` measure of that cube, i.e. the number of its rows holding the value.
        public var frequencyMeasure: String?
        /// The most values read per dimension; a dimension with more is an identifier rather
        /// than something people name, and is truncated to its most frequent values.
        public var limit: Int

        /// Makes a configuration.
        public init(dimensions: [String]? = nil, frequencyMeasure: String? = nil, limit: Int = 50_000) {
            self.dimensions = dimensions
            self.frequencyMeasure = frequencyMeasure
            self.limit = limit
        }
    }

    /// The model the values are read through.
    public let model: DataModel
    /// What is indexed.
    public let configuration: Configuration
    /// The values per dimension, most frequent first.
    public private(set) var valuesByDimension: [String: [DimensionValue]] = [:]
    private(set) var values: [DimensionValue] = []
    private(set) var phrases = PhraseIndex()

    /// An empty index, filled by ``refresh(database:)``.
    public init(model: DataModel, configuration: Configuration = Configuration()) {
        self.model = model
        self.configuration = configuration
    }

    /// Reads and indexes the values of `database`.
    public static func build(
        model: DataModel, database: some Database, configuration: Configuration = Configuration()
    ) async throws -> ValueIndex {
        var index = ValueIndex(model: model, configuration: configuration)
        try await index.refresh(database: database)
        return index
    }

    /// The number of distinct (dimension, value) pairs indexed.
    public var count: Int { values.count }

    /// The dimensions this index reads, `Cube.member`.
    public var dimensions: [String] {
        if let configured = configuration.dimensions { return configured }
        var result: [String] = []
        for cubeName in model.cubeNames {
            guard let cube = model.cubes[cubeName], cube.isPublic else { continue }
            for dimension in cube.dimensions where dimension.isPublic && !dimension.primaryKey && dimension.type == .string {
                result.append("\(cube.name).\(dimension.name)")
            }
        }
        return result
    }

    /// Re-reads every dimension and swaps the index in only when all reads succeeded, so a
    /// failed refresh leaves the previous values in place.
    public mutating func refresh(database: some Database) async throws {
        let compiler = QueryCompiler(model: model, dialect: database.dialect)
        var byDimension: [String: [DimensionValue]] = [:]
        for dimension in dimensions {
            byDimension[dimension] = try await read(dimension, compiler: compiler, database: database)
        }
        var values: [DimensionValue] = []
        var phrases = PhraseIndex()
        let normalizer = TermNormalizer()
        for dimension in byDimension.keys.sorted() {
            for value in byDimension[dimension] ?? [] {
                let variants = normalizer.phraseVariants(value.value).filter { !$0.isEmpty }
                guard !variants.isEmpty else { continue }
                values.append(value)
                for words in variants { phrases.insert(words, payload: values.count - 1) }
            }
        }
        self.valuesByDimension = byDimension
        self.values = values
        self.phrases = phrases
    }

    /// The `limit` most frequent values of `dimension` (`Cube.member`), for clarification options.
    public func topValues(of dimension: String, limit: Int = 10) -> [DimensionValue] {
        Array((valuesByDimension[dimension] ?? []).prefix(limit))
    }

    /// The values a whole phrase names, across dimensions (best match quality only).
    public func values(named phrase: String) -> [DimensionValue] {
        let words = TermNormalizer().words(phrase)
        let alternatives = words.map { phrases.typoAlternatives(of: $0) }
        let whole = phrases.hits(in: words, alternatives: alternatives).filter { $0.start == 0 && $0.end == words.count }
        guard let best = whole.map(\.quality).min() else { return [] }
        return whole.filter { $0.quality == best }.map { values[$0.payload] }
    }

    private func read(_ dimension: String, compiler: QueryCompiler, database: some Database) async throws
        -> [DimensionValue]
    {
        // Any fixed date will do: these queries have no relative date ranges.
        let asOf = SQLDate(daysSinceEpoch: 0)
        let ownCount = ownCountMeasure(of: dimension)
        func query(_ measure: String?) -> CubeQuery {
            CubeQuery(
                measures: measure.map { [$0] } ?? [], dimensions: [dimension],
                order: measure.map { [.init($0, .desc), .init(dimension, .asc)] } ?? [.init(dimension, .asc)],
                limit: configuration.limit)
        }
        // The dimension's own cube lists every value, including ones no fact row mentions yet.
        let compiled = try compiler.compile(query(ownCount), asOf: asOf)
        let rows = try await database.query(compiled.sql, compiled.binds).rows
        let valueColumn = compiled.columns.firstIndex { $0.member == dimension } ?? 0
        let countColumn = ownCount.flatMap { measure in compiled.columns.firstIndex { $0.member == measure } }
        var frequencies: [String: Double]?
        if let measure = configuration.frequencyMeasure, measure != ownCount,
            let ranked = try? compiler.compile(query(measure), asOf: asOf)
        {
            let rankedValue = ranked.columns.firstIndex { $0.member == dimension } ?? 0
            let rankedCount = ranked.columns.firstIndex { $0.member == measure } ?? 1
            var map: [String: Double] = [:]
            for row in try await database.query(ranked.sql, ranked.binds).rows {
                if let value = row[rankedValue].stringValue { map[value] = row[rankedCount].doubleValue ?? 0 }
            }
            frequencies = map
        }
        var result: [DimensionValue] = []
        for row in rows {
            guard let value = row[valueColumn].stringValue, !value.isEmpty else { continue }
            let frequency: Double? =
                if let frequencies { frequencies[value] ?? 0 } else { countColumn.flatMap { row[$0].doubleValue } }
            result.append(DimensionValue(dimension: dimension, value: value, frequency: frequency))
        }
        if frequencies != nil {
            result.sort { ($0.frequency ?? 0, $1.value) > ($1.frequency ?? 0, $0.value) }
        }
        return result
    }

    private func ownCountMeasure(of dimension: String) -> String? {
        guard let dot = dimension.firstIndex(of: "."), let cube = model.cubes[String(dimension[..<dot])] else {
            return nil
        }
        return cube.measures.first { $0.type == .count && $0.isPublic }.map { "\(cube.name).\($0.name)" }
    }
}
