import Warehouse

/// Decides whether a rollup answers a query exactly, and builds the model that reads the
/// rollup's table under the query's own member names.
///
/// Exactly means: every measure is stored in the rollup (or is a `number` measure over
/// stored ones) and can be aggregated again from the rollup's grain — sums, counts, minima
/// and maxima always; distinct counts, averages and other non-additive measures only when the
/// query asks for exactly the rollup's grain (same dimensions, same time granularity); every
/// dimension and filtered member is in the rollup; the time granularity is the rollup's or
/// one made of whole rollup periods; date ranges fall on the rollup's period boundaries.
/// Segments, ungrouped queries, queries without measures and view members are never
/// answered from a rollup.
struct RollupMatcher {
    let model: DataModel
    let dialect: SQLDialect
    let today: SQLDate

    /// The smallest rollup that answers `query` exactly: the coarsest granularity, then the
    /// fewest dimensions, then the order given.
    func match(_ query: CubeQuery, among rollups: [PreAggregation]) -> (PreAggregation, DataModel)? {
        // Without a measure a query lists a dimension's values, which a rollup knows only
        // where its cube has rows.
        guard !query.ungrouped, query.segments.isEmpty, !query.measures.isEmpty else { return nil }
        let rank: [CubeQuery.Granularity: Int] = [.second: 0, .minute: 1, .hour: 2, .day: 3, .week: 4, .month: 5, .quarter: 6, .year: 7]
        let candidates = rollups.enumerated().sorted { a, b in
            let (left, right) = (a.element.granularity.map { rank[$0]! } ?? 8, b.element.granularity.map { rank[$0]! } ?? 8)
            if left != right { return left > right }
            if a.element.dimensions.count != b.element.dimensions.count { return a.element.dimensions.count < b.element.dimensions.count }
            return a.offset < b.offset
        }.map(\.element)
        for rollup in candidates where rollup.kind == .rollup {
            if answers(query, rollup) { return (rollup, readingModel(rollup)) }
        }
        return nil
    }

    // MARK: Matching

    private func member(_ name: String) -> (cube: Cube, slot: Cube.MemberSlot)? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, model.views[parts[0]] == nil, let cube = model.cubes[parts[0]], let slot = cube.slot(parts[1])
        else { return nil }
        return (cube, slot)
    }

    func answers(_ query: CubeQuery, _ rollup: PreAggregation) -> Bool {
        let stored = Set(rollup.dimensions)
        guard query.dimensions.allSatisfy(stored.contains) else { return false }
        var queryGranularity: CubeQuery.Granularity?
        for td in query.timeDimensions {
            guard td.dimension == rollup.timeDimension, let storedGranularity = rollup.granularity else { return false }
            if let granularity = td.granularity {
                guard queryGranularity == nil, Self.derivable(granularity, from: storedGranularity) else { return false }
                queryGranularity = granularity
            }
            if let range = td.dateRange {
                guard let (from, to) = try? DateRangeResolver(today: today).resolve(range, member: td.dimension),
                    Self.isBoundary(from, storedGranularity), Self.isBoundary(to.adding(days: 1), storedGranularity)
                else { return false }
            }
            if td.compareDateRange != nil { return false }
        }
        let exactGrain =
            Set(query.dimensions) == stored
            && (rollup.timeDimension == nil ? queryGranularity == nil : queryGranularity == rollup.granularity)
        guard query.measures.allSatisfy({ answerable($0, rollup, exactGrain: exactGrain) }) else { return false }
        return query.filters.allSatisfy { filterAnswerable($0, rollup, exactGrain: exactGrain) }
    }

    /// Whether a measure can be read from the rollup at the query's grain.
    private func answerable(_ name: String, _ rollup: PreAggregation, exactGrain: Bool, depth: Int = 0) -> Bool {
        guard depth < 16, let (cube, slot) = member(name), case .measure(let index) = slot else { return false }
        let measure = cube.measures[index]
        if rollup.measures.contains(name) { return exactGrain || Self.isAdditive(measure.type) }
        guard measure.type == .number, let sql = measure.sql else { return false }
        // A number measure over stored measures is computed from their re-aggregated values;
        // any other reference (a column, a dimension) is not in the rollup.
        return sql.parts.allSatisfy { part in
            switch part {
            case .text: true
            case .cube: false
            case .member(let owner, let reference):
                answerable("\(owner).\(reference)", rollup, exactGrain: exactGrain, depth: depth + 1)
            }
        }
    }

    private func filterAnswerable(_ filter: CubeQuery.Filter, _ rollup: PreAggregation, exactGrain: Bool) -> Bool {
        switch filter {
        case .and(let items), .or(let items): return items.allSatisfy { filterAnswerable($0, rollup, exactGrain: exactGrain) }
        case .member(let name, let op, let values):
            guard let (_, slot) = member(name) else { return false }
            if case .measure = slot { return answerable(name, rollup, exactGrain: exactGrain) }
            if rollup.dimensions.contains(name) { return true }
            guard name == rollup.timeDimension, let granularity = rollup.granularity else { return false }
            // On the time dimension only bounds that fall on the rollup's periods are exact.
            func boundary(_ text: String, plusOneDay: Bool = false) -> Bool {
                guard let date = DateRangeResolver.date(text) else { return false }
                return Self.isBoundary(plusOneDay ? date.adding(days: 1) : date, granularity)
            }
            switch op {
            case .inDateRange, .notInDateRange:
                return values.count == 2 && boundary(values[0]) && boundary(values[1], plusOneDay: true)
            case .beforeDate, .afterOrOnDate: return values.count == 1 && boundary(values[0])
            case .beforeOrOnDate, .afterDate: return values.count == 1 && boundary(values[0], plusOneDay: true)
            case .set, .notSet: return true
            default: return false
            }
        }
    }

    static func isAdditive(_ type: Measure.MeasureType) -> Bool { [.sum, .count, .min, .max].contains(type) }

    /// Whether periods of `granularity` are unions of periods of `stored`.
    static func derivable(_ granularity: CubeQuery.Granularity, from stored: CubeQuery.Granularity) -> Bool {
        if granularity == stored { return true }
        let rank: [CubeQuery.Granularity: Int] = [.second: 0, .minute: 1, .hour: 2, .day: 3, .week: 4, .month: 4, .quarter: 5, .year: 6]
        // Weeks cross month boundaries: only days and finer make weeks, and weeks make nothing else.
        if granularity == .week { return rank[stored]! <= 3 }
        if stored == .week { return false }
        return rank[stored]! < rank[granularity]!
    }

    /// Whether a period of `granularity` starts on `date` (dates are days, so any day is a
    /// boundary of days and finer periods).
    static func isBoundary(_ date: SQLDate, _ granularity: CubeQuery.Granularity) -> Bool {
        let (_, month, day) = date.components
        switch granularity {
        case .second, .minute, .hour, .day: return true
        case .week: return date.isoWeekday == 1
        case .month: return day == 1
        case .quarter: return day == 1 && [1, 4, 7, 10].contains(month)
        case .year: return day == 1 && month == 1
        }
    }

    // MARK: The model that reads the rollup

    /// The member of the reading cube that stands for `name`.
    static func readingName(_ name: String) -> String { name.replacing(".", with: "__") }

    /// One cube over the rollup table and, for each original cube, a view of that cube's name
    /// exposing the rollup's columns under the original member names, so a query compiles
    /// against it unchanged.
    func readingModel(_ rollup: PreAggregation) -> DataModel {
        let cubeName = rollup.tableName
        func columnSQL(_ column: String) -> SQLTemplate {
            SQLTemplate(parts: [.cube(cubeName), .text("." + dialect.quoteIdentifier(column))])
        }
        var dimensions: [Dimension] = []
        var measures: [Measure] = []
        var exposed: [(original: String, kind: View.Member.Kind)] = []
        for name in rollup.dimensions {
            guard let (cube, slot) = member(name), case .dimension(let index) = slot else { continue }
            dimensions.append(Dimension(name: Self.readingName(name), sql: columnSQL(QueryBuilder.alias(of: name)), type: cube.dimensions[index].type))
            exposed.append((name, .dimension))
        }
        if let time = rollup.timeDimension {
            dimensions.append(Dimension(name: Self.readingName(time), sql: columnSQL(QueryBuilder.alias(of: time, granularity: rollup.granularity)), type: .time))
            exposed.append((time, .dimension))
        }
        for name in rollup.measures {
            guard let (cube, slot) = member(name), case .measure(let index) = slot else { continue }
            let original = cube.measures[index]
            // Counts add up; non-additive measures are read only at their own grain, where
            // each group is one stored row and MAX returns it.
            let type: Measure.MeasureType =
                switch original.type {
                case .sum, .count: .sum
                case .min: .min
                default: .max
                }
            measures.append(Measure(name: Self.readingName(name), type: type, sql: columnSQL(QueryBuilder.alias(of: name)), format: original.format, meta: original.meta))
            exposed.append((name, .measure))
        }
        // Number measures over stored measures, computed from the re-aggregated columns.
        for cube in model.cubes.values {
            for measure in cube.measures where measure.type == .number {
                let name = "\(cube.name).\(measure.name)"
                // At the exact grain is the wider test: whatever re-aggregates also reads as it is.
                guard !rollup.measures.contains(name), let sql = measure.sql,
                    answerable(name, rollup, exactGrain: true)
                else { continue }
                let parts = sql.parts.map { part -> SQLTemplate.Part in
                    if case .member(let owner, let reference) = part { return .member(cube: cubeName, name: Self.readingName("\(owner).\(reference)")) }
                    return part
                }
                measures.append(Measure(name: Self.readingName(name), type: .number, sql: SQLTemplate(parts: parts), format: measure.format, meta: measure.meta))
                exposed.append((name, .measure))
            }
        }
        let reading = Cube(name: cubeName, source: .table(rollup.tableName), dimensions: dimensions, measures: measures, file: "")
        var views: [String: View] = [:]
        for (original, kind) in exposed {
            let parts = original.split(separator: ".").map(String.init)
            var view = views[parts[0]] ?? View(name: parts[0], title: nil, description: nil, meta: nil, isPublic: true, cubes: [], members: [], file: "")
            view.members.append(.init(name: parts[1], cube: cubeName, member: Self.readingName(original), kind: kind, joinPath: [cubeName]))
            views[parts[0]] = view
        }
        var result = DataModel(cubes: [cubeName: reading])
        result.views = views
        return result
    }
}
