/// A trie of phrases (word sequences) keyed by word stems, with a symmetric-delete index of
/// its vocabulary for typos. Shared by ``MemberIndex`` and ``ValueIndex``: everything costly
/// happens at insert time so that a question costs a few hash look-ups per word.
struct PhraseIndex: Sendable {
    /// One indexed phrase and what it stands for (an index into the owner's payload table).
    struct Entry: Sendable {
        var words: [String]
        var payload: Int
        /// 0 for phrases people say (titles, synonyms, values); 1 for identifiers (member
        /// names), which rank after them among a phrase's meanings.
        var tier: Int
    }

    /// A phrase found in a question.
    struct Hit: Sendable {
        var start: Int
        var end: Int
        var quality: MatchQuality
        var edits: Int
        var payload: Int
        var tier: Int
    }

    private struct Node: Sendable {
        var children: [String: Int] = [:]
        var entries: [Int] = []
    }

    private var nodes = [Node()]
    private(set) var entries: [Entry] = []
    /// Every exact word and every stem of the vocabulary, to skip typo search for known words.
    private var known: Set<String> = []
    /// Deletion variants (up to two letters removed) → vocabulary words.
    private var deletions: [String: [String]] = [:]
    private var stems: [String: String] = [:]

    var isEmpty: Bool { entries.isEmpty }

    /// Adds a phrase; an empty one is ignored.
    mutating func insert(_ words: [TermNormalizer.Word], payload: Int, tier: Int = 0) {
        guard !words.isEmpty else { return }
        var node = 0
        for word in words {
            if let child = nodes[node].children[word.stem] {
                node = child
            } else {
                nodes.append(Node())
                nodes[node].children[word.stem] = nodes.count - 1
                node = nodes.count - 1
            }
            addToVocabulary(word)
        }
        entries.append(Entry(words: words.map(\.text), payload: payload, tier: tier))
        nodes[node].entries.append(entries.count - 1)
    }

    private mutating func addToVocabulary(_ word: TermNormalizer.Word) {
        known.insert(word.stem)
        known.insert(word.text)
        guard stems[word.text] == nil else { return }
        stems[word.text] = word.stem
        let characters = Array(word.text)
        guard characters.count >= 4, characters.allSatisfy(\.isLetter) else { return }
        // A typed word of 8+ letters may be two edits from a 6-letter one, so words of 6+
        // letters are indexed with up to two deletions.
        let depth = characters.count >= 6 ? 2 : 1
        for variant in Self.deletionVariants(characters, depth: depth) {
            deletions[variant, default: []].append(word.text)
        }
    }

    /// `word` and every string made by removing up to `depth` letters from it.
    static func deletionVariants(_ word: [Character], depth: Int) -> Set<String> {
        var result: Set<String> = [String(word)]
        var frontier: Set<[Character]> = [word]
        for _ in 0..<depth {
            var next: Set<[Character]> = []
            for candidate in frontier where candidate.count > 1 {
                for i in candidate.indices {
                    var shorter = candidate
                    shorter.remove(at: i)
                    if next.insert(shorter).inserted { result.insert(String(shorter)) }
                }
            }
            frontier = next
        }
        return result
    }

    /// Vocabulary words within the typo tolerance of `word`, with their edit distances;
    /// empty for known words, short words and words with digits.
    func typoAlternatives(of word: TermNormalizer.Word) -> [(stem: String, edits: Int)] {
        // The plural of a short word or acronym ("SKUs", "SOs", "DBs"), which the stemmer
        // leaves alone so that "bus" and "status" keep their s: the same word, not a typo.
        // Checked even for known words: "SKUs" is known from "number of SKUs".
        if word.text.count >= 3, word.text.count <= 5, word.text.hasSuffix("s"), word.stem == word.text {
            let singular = String(word.text.dropLast())
            if known.contains(singular) { return [(stems[singular] ?? singular, 0)] }
        }
        guard !known.contains(word.text), !known.contains(word.stem) else { return [] }
        let characters = Array(word.text)
        let limit = TermNormalizer.typoTolerance(forLength: characters.count)
        guard limit > 0, characters.allSatisfy(\.isLetter) else { return [] }
        var seen: Set<String> = []
        var result: [(stem: String, edits: Int)] = []
        for variant in Self.deletionVariants(characters, depth: limit) {
            for candidate in deletions[variant] ?? [] where seen.insert(candidate).inserted {
                let target = Array(candidate)
                // People rarely mistype a word's first letter, and allowing it turns everyday
                // words into model words ("down" → "town"); a swap of the first two still counts.
                guard target[0] == characters[0] || (target[0] == characters[1] && target[1] == characters[0]) else {
                    continue
                }
                if let edits = TermNormalizer.editDistance(characters, target, limit: limit),
                    let stem = stems[candidate]
                {
                    result.append((stem, edits))
                }
            }
        }
        return result
    }

    /// Every indexed phrase found in `words`, at every start position; `alternatives[i]` are
    /// the typo readings of word `i` (from ``typoAlternatives(of:)``, computed once per question).
    func hits(in words: [TermNormalizer.Word], alternatives: [[(stem: String, edits: Int)]]) -> [Hit] {
        var hits: [Hit] = []
        for start in words.indices {
            // (node, edits so far); typo readings multiply the paths only for unknown words.
            var paths: [(node: Int, edits: Int)] = [(0, 0)]
            var position = start
            while position < words.count, !paths.isEmpty {
                var next: [(node: Int, edits: Int)] = []
                for path in paths {
                    if let child = nodes[path.node].children[words[position].stem] {
                        next.append((child, path.edits))
                    }
                    for alternative in alternatives[position] {
                        if let child = nodes[path.node].children[alternative.stem] {
                            next.append((child, path.edits + alternative.edits))
                        }
                    }
                }
                for path in next {
                    for entryID in nodes[path.node].entries {
                        let entry = entries[entryID]
                        let quality: MatchQuality
                        if path.edits > 0 {
                            quality = .fuzzy
                        } else if entry.words.elementsEqual(words[start...position].lazy.map(\.text)) {
                            quality = .exact
                        } else {
                            quality = .stem
                        }
                        hits.append(
                            Hit(start: start, end: position + 1, quality: quality, edits: path.edits, payload: entry.payload,
                                tier: entry.tier))
                    }
                }
                paths = next
                position += 1
            }
        }
        return hits
    }
}
