public import Semantic

/// The phrases that name each public member of a data model: the member name split at its
/// camel-case humps ("netSales" → "net sales"; not for segments), its title and every
/// `meta.synonyms` entry.
///
/// Built once per model; a phrase that names several members (the model's "city" for outlet
/// and distributor cities) keeps them all, so that the caller can ask which one was meant.
public struct MemberIndex: Sendable {
    /// The indexed members, in model order (cubes sorted by name, then file order).
    public private(set) var members: [ModelMember] = []
    /// Each member's position in ``members``, for ordering candidates without a search.
    private(set) var position: [ModelMember: Int] = [:]
    private(set) var phrases = PhraseIndex()
    private let normalizer = TermNormalizer()

    /// Indexes the public members of `model`'s public cubes. With `includeViews`, members of
    /// public views are indexed too under the view's name; they are off by default because a
    /// view re-exposes cube members, which would make every one of its phrases ambiguous.
    public init(model: DataModel, includeViews: Bool = false) {
        for cubeName in model.cubeNames {
            guard let cube = model.cubes[cubeName], cube.isPublic else { continue }
            for measure in cube.measures where measure.isPublic {
                add(
                    ModelMember(cube: cube.name, name: measure.name, kind: .measure, title: measure.title),
                    phrases: [measure.title].compactMap { $0 } + measure.synonyms)
            }
            for dimension in cube.dimensions where dimension.isPublic {
                add(
                    ModelMember(
                        cube: cube.name, name: dimension.name, kind: .dimension, isTime: dimension.type == .time,
                        title: dimension.title),
                    phrases: [dimension.title].compactMap { $0 } + dimension.synonyms)
            }
            for segment in cube.segments where segment.isPublic {
                add(
                    ModelMember(cube: cube.name, name: segment.name, kind: .segment, title: segment.title),
                    phrases: [segment.title].compactMap { $0 } + (segment.meta?["synonyms"]?.strings ?? []))
            }
        }
        guard includeViews else { return }
        for viewName in model.views.keys.sorted() {
            guard let view = model.views[viewName], view.isPublic else { continue }
            for member in view.members {
                guard let cube = model.cubes[member.cube] else { continue }
                switch member.kind {
                case .measure:
                    guard let measure = cube.measure(member.member) else { continue }
                    add(
                        ModelMember(cube: view.name, name: member.name, kind: .measure, title: measure.title),
                        phrases: [measure.title].compactMap { $0 } + measure.synonyms)
                case .dimension:
                    guard let dimension = cube.dimension(member.member) else { continue }
                    add(
                        ModelMember(
                            cube: view.name, name: member.name, kind: .dimension, isTime: dimension.type == .time,
                            title: dimension.title),
                        phrases: [dimension.title].compactMap { $0 } + dimension.synonyms)
                case .segment:
                    guard let segment = cube.segment(member.member) else { continue }
                    add(
                        ModelMember(cube: view.name, name: member.name, kind: .segment, title: segment.title),
                        phrases: [segment.title].compactMap { $0 } + (segment.meta?["synonyms"]?.strings ?? []))
                }
            }
        }
    }

    private mutating func add(_ member: ModelMember, phrases extra: [String]) {
        members.append(member)
        let payload = members.count - 1
        if position[member] == nil { position[member] = payload }
        var seen: Set<[String]> = []
        // A segment's name is a filter's identifier, often the plural of a measure ("sales",
        // "returns"); people reach segments by title and synonyms only.
        let name = member.kind == .segment ? [] : [Self.splitCamelCase(member.name)]
        // Titles and synonyms are what the model's author expects people to say, so they
        // rank before the bare name: "SKU" is first the product (a synonym), then the SKU code.
        for (tier, phrase) in extra.map({ (0, $0) }) + name.map({ (1, $0) }) {
            for words in normalizer.phraseVariants(phrase) {
                guard !words.isEmpty, seen.insert(words.map(\.text)).inserted else { continue }
                phrases.insert(words, payload: payload, tier: tier)
            }
        }
    }

    /// The members a whole phrase names (best match quality only), for callers that already
    /// know where a member name is, such as "by <dimension>".
    public func members(named phrase: String) -> [ModelMember] {
        let words = normalizer.words(phrase)
        let alternatives = words.map { phrases.typoAlternatives(of: $0) }
        let whole = phrases.hits(in: words, alternatives: alternatives).filter { $0.start == 0 && $0.end == words.count }
        guard let best = whole.map(\.quality).min() else { return [] }
        var result: [ModelMember] = []
        for hit in whole.filter({ $0.quality == best }).sorted(by: { $0.tier < $1.tier })
        where !result.contains(members[hit.payload]) {
            result.append(members[hit.payload])
        }
        return result
    }

    /// "netSales" → "net Sales", "subCategory" → "sub Category"; a run of capitals stays one word.
    static func splitCamelCase(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let before = previous, before.isLowercase || before.isNumber {
                result.append(" ")
            }
            result.append(character)
            previous = character
        }
        return result
    }
}
