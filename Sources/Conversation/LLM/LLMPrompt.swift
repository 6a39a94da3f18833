public import Semantic
public import Warehouse

/// The instructions an LLM is given: what to produce, the model's public members and the
/// rules a query must follow (those of `docs/conversation.md` that a model can apply).
///
/// The member list is compact, a header per cube and one line per member (the shipped model
/// makes about 3,000 tokens):
///
/// ```
/// # Transactions (Secondary Sales): Secondary sales lines billed by distributors …
/// Transactions.netSales | measure sum | Net Sales | revenue, turnover, sales
/// ```
///
/// The member list comes first and the as-of date only in the rules at the end, so that the
/// long, unchanging part is a prefix the providers can cache.
public enum LLMPrompt {
    /// The system prompt for `model` on the date `asOf`.
    public static func system(model: DataModel, asOf: SQLDate) -> String {
        let today = asOf.description
        var lines: [String] = [
            "You translate questions about sales data into one query in Cube's REST query JSON format.",
            "",
            "Cubes, each followed by the members you may use (Cube.member | kind and type | title | synonyms).",
            "Use the members exactly as written; no others exist.",
        ]
        lines += memberLines(model)
        lines += [
            "",
            "Query format: {\"measures\": [...], \"dimensions\": [...], \"segments\": [...],",
            " \"timeDimensions\": [{\"dimension\": \"Cube.timeDimension\", \"dateRange\": [\"YYYY-MM-DD\", \"YYYY-MM-DD\"], \"granularity\": \"month\"}],",
            " \"filters\": [{\"member\": \"Cube.dimension\", \"operator\": \"equals\", \"values\": [\"...\"]}],",
            " \"order\": {\"Cube.member\": \"desc\"}, \"limit\": 5}. Leave out keys you do not need.",
            "",
            "Rules:",
            "- Today (the as-of date) is \(today). Every period becomes an absolute dateRange [\"YYYY-MM-DD\", \"YYYY-MM-DD\"], both days inclusive, resolved against \(today); never a relative phrase such as \"last month\".",
            "- A period named in the question goes on the time dimension of the first measure's own cube; without a period, leave timeDimensions out unless a trend is asked for.",
            "- Set granularity (day, week, month, quarter, year) only when a trend is asked for; then order by the time dimension ascending.",
            "- \"by X\" / \"per X\" adds X to dimensions. \"top N X\" orders by the first measure descending with limit N (5 when N is not given); \"bottom N\" ascending.",
            "- Values named in the question go into filters with operator equals, spelled as the user wrote them; a segment named by its title or synonyms goes into segments.",
            "- Reply with only the JSON object: no prose, no code fences.",
        ]
        return lines.joined(separator: "\n")
    }

    /// For each public cube (by name) a header with its title and description, then one line
    /// per public member in file order.
    static func memberLines(_ model: DataModel) -> [String] {
        var lines: [String] = []
        for name in model.cubeNames {
            guard let cube = model.cubes[name], cube.isPublic else { continue }
            var header = "# \(cube.name)"
            if let title = cube.title, title != cube.name { header += " (\(title))" }
            if let description = cube.description?.trimmingWhitespace, !description.isEmpty { header += ": \(description)" }
            lines.append(header)
            for measure in cube.measures where measure.isPublic {
                lines.append(line(cube.name, measure.name, "measure \(measure.type.rawValue)", measure.title, measure.synonyms))
            }
            for dimension in cube.dimensions where dimension.isPublic {
                lines.append(
                    line(cube.name, dimension.name, "dimension \(dimension.type.rawValue)", dimension.title, dimension.synonyms))
            }
            for segment in cube.segments where segment.isPublic {
                lines.append(line(cube.name, segment.name, "segment", segment.title, segment.meta?["synonyms"]?.strings ?? []))
            }
        }
        return lines
    }

    private static func line(_ cube: String, _ member: String, _ kind: String, _ title: String?, _ synonyms: [String])
        -> String
    {
        var parts = ["\(cube).\(member)", kind, title ?? ""]
        if !synonyms.isEmpty { parts.append(synonyms.joined(separator: ", ")) }
        while parts.last == "" { parts.removeLast() }
        return parts.joined(separator: " | ")
    }
}
