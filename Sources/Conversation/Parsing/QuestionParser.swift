import Foundation
public import Semantic
public import Warehouse

/// Turns a question into a ``QueryIntent`` using only the tenant's model and data: members
/// and values from ``QuestionMatcher``, periods from ``TimeExpressionParser``, and a handful
/// of structural words (top, by, per, only…) that are the same for every model.
///
/// The rules are written down in docs/conversation.md; the evaluation set in eval/ checks them.
public struct QuestionParser: Sendable {
    /// Choices that belong to a deployment rather than to the model.
    public struct Configuration: Sendable {
        /// The measure of a question that names none but asks about something ("top brands
        /// in Maharashtra last month").
        public var defaultMeasure: String
        /// How many rows "top brands" without a number returns.
        public var defaultRankingLimit: Int

        /// Makes a configuration.
        public init(defaultMeasure: String = "Transactions.netSales", defaultRankingLimit: Int = 5) {
            self.defaultMeasure = defaultMeasure
            self.defaultRankingLimit = defaultRankingLimit
        }
    }

    /// The tenant's model.
    public let model: DataModel
    /// The matcher over the model's members and the tenant's values.
    public let matcher: QuestionMatcher
    /// Deployment choices.
    public let configuration: Configuration
    /// Per cube pair, how near the second is to the first: 0 the same cube, 1 + position for
    /// a direct join (the model author's join order says which meaning comes first: outlets
    /// before distributors), 100 + path length beyond; absent when unreachable.
    private let nearness: [String: [String: Int]]
    /// Dimensions by the stems of every phrase that names them, for "top 5 <noun>", where the
    /// noun is what is ranked even when it names a measure or segment more exactly ("top 5
    /// distributors", "top 5 sales officers").
    private let dimensionsByStems: [[String]: [ModelMember]]

    /// Makes a parser for `model` with the tenant's `values` (without them, only members and
    /// periods are recognised).
    public init(model: DataModel, values: ValueIndex?, configuration: Configuration = Configuration()) {
        self.model = model
        self.configuration = configuration
        self.matcher = QuestionMatcher(
            members: MemberIndex(model: model), values: values,
            keywords: Self.structuralWords.union(TimeExpressionParser.keywords))
        var nearness: [String: [String: Int]] = [:]
        for from in model.cubeNames {
            guard let cube = model.cubes[from] else { continue }
            var row: [String: Int] = [from: 0]
            for (position, join) in cube.joins.enumerated() where row[join.to] == nil {
                row[join.to] = 1 + position
            }
            for to in model.cubeNames where row[to] == nil {
                if let path = model.joinGraph.path(from: from, to: to) { row[to] = 100 + path.count }
            }
            nearness[from] = row
        }
        self.nearness = nearness
        var byStems: [[String]: [ModelMember]] = [:]
        let normalizer = TermNormalizer()
        for cubeName in model.cubeNames {
            guard let cube = model.cubes[cubeName], cube.isPublic else { continue }
            for dimension in cube.dimensions where dimension.isPublic && dimension.type == .string && !dimension.primaryKey {
                let member = ModelMember(cube: cube.name, name: dimension.name, kind: .dimension, title: dimension.title)
                let phrases = [dimension.title].compactMap { $0 } + dimension.synonyms + [MemberIndex.splitCamelCase(dimension.name)]
                for phrase in phrases {
                    let key = normalizer.words(phrase).map(\.stem)
                    if !key.isEmpty, !(byStems[key] ?? []).contains(member) { byStems[key, default: []].append(member) }
                }
            }
        }
        self.dimensionsByStems = byStems
    }

    // MARK: Structural words

    static let rankingWords: [String: Bool] = [
        "top": true, "best": true, "highest": true, "leading": true, "biggest": true, "largest": true,
        "bottom": false, "worst": false, "lowest": false, "least": false, "smallest": false, "weakest": false,
    ]
    static let groupingWords: Set<String> = ["by", "per", "each", "every", "across", "wise", "breakdown", "split", "break"]
    /// First words that make a question amend the previous one ("and Karnataka?", "only
    /// modern trade"); "what about" and "how about" count as openers too.
    static let followUpOpeners: Set<String> = [
        "and", "only", "just", "also", "now", "same", "but", "instead", "break", "split", "then",
    ]
    /// Words that carry no meaning of their own in a sales question once the rest is understood.
    static let fillerWords: Set<String> = [
        "performance", "performing", "perform", "doing", "numbers", "number", "figures", "figure", "data", "details",
        "total", "overall", "down", "up", "out", "report", "summary", "trend", "trends", "view", "look", "looking",
        "wise", "breakdown", "break", "split", "only", "just", "now", "same", "but", "instead", "then", "please",
        "thanks", "thank", "kindly", "hi", "hello", "ok", "okay", "compare", "compared", "comparison", "versus", "vs",
        "selling", "sold", "performers", "performer", "wrt", "respectively", "each", "every", "across", "during",
        "within", "into", "over", "under", "between", "since", "till", "until", "up", "upto", "net", "value",
        "amount", "happened", "happening", "going", "went", "like", "see", "know", "need", "want", "check",
        "give", "fetch", "find", "display", "pull", "get", "all", "we", "us", "i", "much", "many",
    ]
    static let numberWords: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "fifty": 50, "hundred": 100,
    ]
    static var structuralWords: Set<String> {
        Set(rankingWords.keys).union(groupingWords).union(followUpOpeners).union(fillerWords)
    }

    // MARK: Parsing

    /// Parses `question` as of `asOf`; with `previous`, a follow-up amends that intent.
    public func parse(_ question: String, asOf: SQLDate, previous: QueryIntent? = nil) -> ParsedQuestion {
        let time = TimeExpressionParser(asOf: asOf).analyse(question)
        // Periods are the time parser's; hide their words from the matcher so "month" in
        // "last month" is not also the Dates.month dimension.
        let masked = Self.mask(question, time.consumedRanges)
        let analysis = matcher.analyze(masked)
        let words = analysis.words
        var used = Set<Int>()

        // Rankings: "top 5", "bottom three", "best".
        var ranking: QueryIntent.Ranking?
        var rankingWordIndex: Int?
        for (index, word) in words.enumerated() {
            guard ranking == nil, let descending = Self.rankingWords[word.text] else { continue }
            // "best" inside a member phrase ("best sellers") is the member's; rankings stand alone.
            guard !analysis.matches.contains(where: { $0.wordRange.contains(index) }) else { continue }
            var limit = configuration.defaultRankingLimit
            used.insert(index)
            if index + 1 < words.count, let n = Int(words[index + 1].text) ?? Self.numberWords[words[index + 1].text],
                n > 0
            {
                limit = n
                used.insert(index + 1)
            }
            ranking = QueryIntent.Ranking(descending: descending, limit: limit)
            rankingWordIndex = index
        }
        for (index, word) in words.enumerated() where Self.groupingWords.contains(word.text) {
            used.insert(index)
        }

        // What each match stands for.
        var measures: [ModelMember] = []
        var dimensionMatches: [(match: Match, members: [ModelMember])] = []
        var segmentMembers: [ModelMember] = []
        var valueMatches: [Match] = []
        var scores: [Double] = []
        // The phrase right after "top N" is what is ranked.
        let rankedMatch = rankingWordIndex.flatMap { index in
            analysis.matches.firstIndex { $0.wordRange.lowerBound > index && $0.wordRange.lowerBound <= index + 2 }
        }
        for (position, match) in analysis.matches.enumerated() {
            scores.append(match.score)
            let members = match.members
            if position == rankedMatch, !members.contains(where: { $0.kind == .dimension }) {
                let ranked = dimensionsByStems[match.words(in: words).map(\.stem)] ?? []
                if !ranked.isEmpty {
                    dimensionMatches.append((match, ranked))
                    continue
                }
            }
            if members.isEmpty {
                valueMatches.append(match)
            } else if let first = members.first, first.kind == .measure {
                if !measures.contains(first) { measures.append(first) }
            } else if let segment = members.first(where: { $0.kind == .segment }) {
                if !segmentMembers.contains(segment) { segmentMembers.append(segment) }
            } else {
                dimensionMatches.append((match, members.filter { $0.kind == .dimension }))
            }
        }

        var intent = QueryIntent()
        let opensAsFollowUp =
            Self.followUpOpeners.contains(words.first?.text ?? "")
            || (words.count > 1 && ["what", "how"].contains(words[0].text) && words[1].text == "about")
        let followUp = previous != nil && (measures.isEmpty || opensAsFollowUp)
        let measureNamed = !measures.isEmpty || (followUp && !(previous?.measures.isEmpty ?? true))
        if !measures.isEmpty {
            intent.measures = measures.map(\.qualifiedName)
        } else if followUp, let previous {
            intent.measures = previous.measures
        } else {
            intent.measures = [configuration.defaultMeasure]
        }
        let measureCube = intent.measures.first.flatMap { Self.cubeName(of: $0) } ?? ""
        var problems = time.problems

        // Values: the dimension nearest the measure's cube holding the value.
        var valueFilters: [QueryIntent.ValueFilter] = []
        var valueDimensionAt: [Int: String] = [:]
        for match in valueMatches {
            let candidates = match.values.compactMap { value -> (DimensionValue, Int)? in
                guard let cube = Self.cubeName(of: value.dimension), let near = nearness[measureCube]?[cube] else {
                    return nil
                }
                return (value, near)
            }
            // In a follow-up, a value of a dimension already filtered replaces that filter's
            // value ("what about Delhi?" after a state means the state, not the city).
            let previouslyFiltered = Set(previous?.filters.map(\.member) ?? [])
            let continuing = followUp ? candidates.first { previouslyFiltered.contains($0.0.dimension) }?.0 : nil
            guard let chosen = continuing ?? candidates.min(by: { $0.1 < $1.1 })?.0 else {
                problems.append("“\(match.text)” is not related to \(title(of: intent.measures.first ?? ""))")
                continue
            }
            valueDimensionAt[match.wordRange.lowerBound] = chosen.dimension
            if let position = valueFilters.firstIndex(where: { $0.member == chosen.dimension }) {
                if !valueFilters[position].values.contains(chosen.value) { valueFilters[position].values.append(chosen.value) }
            } else {
                valueFilters.append(QueryIntent.ValueFilter(member: chosen.dimension, values: [chosen.value]))
            }
        }

        // Dimensions: groupings, except a dimension that only qualifies a value next to it
        // ("West zone", "state of Kerala").
        var dimensions: [String] = []
        var granularityFromMember: CubeQuery.Granularity?
        for (match, members) in dimensionMatches {
            let reachable = members.filter { nearness[measureCube]?[$0.cube] != nil }
            guard let member = reachable.first ?? members.first else { continue }
            let before = match.wordRange.lowerBound - 1
            let introduced =
                before >= 0
                && (Self.groupingWords.contains(words[before].text) || Self.rankingWords[words[before].text] != nil
                    || used.contains(before))
            if !introduced, isQualifier(match, member: member, valueDimensionAt: valueDimensionAt) { continue }
            if member.isTime || (member.cube == "Dates" && Self.calendarGranularity[member.name] != nil) {
                granularityFromMember = Self.calendarGranularity[member.name] ?? .day
                continue
            }
            if !dimensions.contains(member.qualifiedName) { dimensions.append(member.qualifiedName) }
        }

        let segments = segmentMembers.map(\.qualifiedName)
        let period: QueryIntent.Period? = time.expressions.first.map {
            QueryIntent.Period(from: $0.from, to: $0.to, description: $0.description, unit: $0.unit.rawValue)
        }
        var comparedPeriod: QueryIntent.Period?
        if let comparison = time.comparison, let current = time.expressions.first {
            let (from, to) = comparison.period(for: current)
            comparedPeriod = QueryIntent.Period(
                from: from, to: to, description: TimeExpression.describe(from: from, to: to), unit: current.unit.rawValue)
        }
        let granularity = time.granularity ?? granularityFromMember

        if followUp, let previous {
            intent.dimensions = previous.dimensions
            for dimension in dimensions where !intent.dimensions.contains(dimension) { intent.dimensions.append(dimension) }
            intent.filters = previous.filters
            for filter in valueFilters {
                if let position = intent.filters.firstIndex(where: { $0.member == filter.member }) {
                    intent.filters[position] = filter
                } else {
                    intent.filters.append(filter)
                }
            }
            intent.segments = previous.segments
            for segment in segments where !intent.segments.contains(segment) { intent.segments.append(segment) }
            intent.ranking = ranking ?? previous.ranking
            intent.granularity = granularity ?? previous.granularity
            if let period {
                // "and last year?" after May 2025 means May 2024, not the whole of 2024.
                if let earlier = previous.period, period.unit == TimeExpression.Unit.year.rawValue,
                    earlier.unit != TimeExpression.Unit.year.rawValue,
                    time.expressions.first.map({ !$0.isToDate }) ?? false,
                    Self.isPreviousYear(period, asOf: asOf)
                {
                    intent.period = earlier.yearEarlier()
                } else {
                    intent.period = period
                }
                intent.comparedPeriod = comparedPeriod
            } else {
                intent.period = previous.period
                intent.comparedPeriod = previous.comparedPeriod
                if time.comparison != nil, let current = previous.period {
                    intent.comparedPeriod = time.comparison!.kind == .previousYear ? current.yearEarlier() : nil
                }
            }
        } else {
            intent.dimensions = dimensions
            intent.filters = valueFilters
            intent.segments = segments
            intent.ranking = ranking
            intent.granularity = granularity
            intent.period = period
            intent.comparedPeriod = comparedPeriod
        }
        let rankingLacksSubject = intent.ranking != nil && intent.dimensions.isEmpty
        let timeCube = intent.measures.compactMap { Self.cubeName(of: $0) }.first { defaultTimeDimension(of: $0) != nil }
        intent.timeDimension = timeCube.flatMap { defaultTimeDimension(of: $0) } ?? firstTimeDimension(of: measureCube)
        if intent.timeDimension == nil, intent.period != nil {
            problems.append("\(title(of: intent.measures.first ?? "")) has no date to apply a period to")
        }
        let needsPeriod = timeCube != nil && intent.period == nil

        // Words left: unknown words the user must hear about.
        var understoodWords = used
        for match in analysis.matches { understoodWords.formUnion(match.wordRange) }
        let unrecognized = analysis.unmatched.compactMap { word -> String? in
            guard let index = words.firstIndex(where: { $0.range == word.range }), !understoodWords.contains(index),
                !Self.fillerWords.contains(word.text), !Self.followUpOpeners.contains(word.text)
            else { return nil }
            return String(masked[word.range])
        }

        let recognised =
            !measures.isEmpty || !dimensions.isEmpty || !valueFilters.isEmpty || !segments.isEmpty
            || !time.expressions.isEmpty || granularity != nil || ranking != nil
        var present = Set<ContextKind>()
        if intent.period != nil { present.insert(.time) }
        let allMembers = intent.dimensions + intent.filters.map(\.member) + intent.segments
        for member in allMembers {
            guard let name = Self.memberName(of: member) else { continue }
            if Self.geographyNames.contains(name) {
                present.insert(.geography)
            } else if Self.cubeName(of: member) == "Products" {
                present.insert(.products)
            } else if let cube = Self.cubeName(of: member), Self.customerCubes.contains(cube) {
                present.insert(.customers)
            }
        }
        if !measures.isEmpty { present.insert(.salesType) }

        var confidence = scores.min() ?? (recognised ? 1 : 0)
        if !unrecognized.isEmpty { confidence *= 0.5 }
        if !measureNamed { confidence *= 0.9 }
        if !problems.isEmpty { confidence *= 0.5 }
        if !recognised && !followUp { confidence = 0 }

        return ParsedQuestion(
            question: question, intent: intent, isFollowUp: followUp, measureNamed: measureNamed, present: present,
            needsPeriod: needsPeriod, unrecognized: unrecognized, problems: problems, confidence: confidence,
            recognisedAnything: recognised, rankingLacksSubject: rankingLacksSubject)
    }

    /// In words, how an intent was understood: "Net Sales by Brand, State Maharashtra, 1–31 May 2025".
    public func describe(_ intent: QueryIntent) -> String {
        var text = intent.measures.map { title(of: $0) }.joined(separator: " and ")
        if let ranking = intent.ranking {
            text = "\(ranking.descending ? "Top" : "Bottom") \(ranking.limit) "
                + intent.dimensions.map { title(of: $0) }.joined(separator: ", ") + " by " + text
        } else if !intent.dimensions.isEmpty {
            text += " by " + intent.dimensions.map { title(of: $0) }.joined(separator: ", ")
        }
        if let granularity = intent.granularity { text += ", \(granularity.rawValue) by \(granularity.rawValue)" }
        for filter in intent.filters {
            text += ", \(title(of: filter.member)) \(filter.values.joined(separator: " or "))"
        }
        for segment in intent.segments { text += ", \(title(of: segment))" }
        if let period = intent.period { text += ", \(period.description)" }
        if let compared = intent.comparedPeriod { text += " compared with \(compared.description)" }
        return text
    }

    /// The title of `Cube.member` as the model gives it.
    public func title(of member: String) -> String {
        guard let cubeName = Self.cubeName(of: member), let name = Self.memberName(of: member),
            let cube = model.cubes[cubeName]
        else { return member }
        let title = cube.measure(name)?.title ?? cube.dimension(name)?.title ?? cube.segment(name)?.title
        return title ?? MemberIndex.splitCamelCase(name).capitalized
    }

    // MARK: Helpers

    static let geographyNames: Set<String> = ["state", "city", "zone", "territoryName", "region", "country"]
    static let customerCubes: Set<String> = ["Customers", "Accounts"]
    /// Calendar members that, named as a grouping, mean a trend at that granularity; the
    /// others (weekday names, month names, weekend) group like any dimension.
    static let calendarGranularity: [String: CubeQuery.Granularity] = [
        "date": .day, "weekOfYear": .week, "month": .month, "quarter": .quarter, "year": .year,
    ]

    /// The cube's `meta.default_time_dimension`, qualified; such cubes need a period.
    func defaultTimeDimension(of cube: String) -> String? {
        guard let name = model.cubes[cube]?.meta?["default_time_dimension"]?.stringValue else { return nil }
        return "\(cube).\(name)"
    }

    private func firstTimeDimension(of cube: String) -> String? {
        model.cubes[cube]?.dimensions.first { $0.type == .time && $0.isPublic }.map { "\(cube).\($0.name)" }
    }

    /// A dimension right next to a value of the same kind qualifies that value rather than
    /// grouping by itself: "West zone", "state of Kerala", "brand Bingo!".
    private func isQualifier(_ match: Match, member: ModelMember, valueDimensionAt: [Int: String]) -> Bool {
        for (start, dimension) in valueDimensionAt where Self.memberName(of: dimension) == member.name {
            let gapAfter = start - match.wordRange.upperBound
            let gapBefore = match.wordRange.lowerBound - start
            if (0...1).contains(gapAfter) || (1...3).contains(gapBefore) { return true }
        }
        return false
    }

    private static func isPreviousYear(_ period: QueryIntent.Period, asOf: SQLDate) -> Bool {
        let year = asOf.components.year - 1
        return period.from == SQLDate(year: year, month: 1, day: 1) && period.to == SQLDate(year: year, month: 12, day: 31)
    }

    /// The cube of `Cube.member`.
    public static func cubeName(of member: String) -> String? {
        member.firstIndex(of: ".").map { String(member[..<$0]) }
    }

    /// The member of `Cube.member`.
    public static func memberName(of member: String) -> String? {
        member.firstIndex(of: ".").map { String(member[member.index(after: $0)...]) }
    }

    /// `question` with the characters in `ranges` replaced by spaces, so that word positions
    /// stay where they were.
    static func mask(_ question: String, _ ranges: [Range<String.Index>]) -> String {
        guard !ranges.isEmpty else { return question }
        var result = ""
        result.reserveCapacity(question.utf8.count)
        var index = question.startIndex
        while index < question.endIndex {
            let next = question.index(after: index)
            if ranges.contains(where: { $0.contains(index) }) {
                result.append(" ")
            } else {
                result.append(question[index])
            }
            index = next
        }
        return result
    }
}
