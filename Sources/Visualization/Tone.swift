/// How a number should feel to its reader; the web page and the digest colour by it.
public enum Tone: String, Codable, Sendable, Hashable, CaseIterable {
    /// Good news (green).
    case positive
    /// Bad news (red).
    case negative
    /// Information (grey).
    case neutral
    /// Worth a look (amber).
    case warning

    /// A change of `percent` in a measure: within ±0.5 % neutral, else positive when it went
    /// the way that is good for the measure (`up_is_good`).
    public init(changePercent percent: Double, upIsGood: Bool) {
        if abs(percent) <= 0.5 || !percent.isFinite {
            self = .neutral
        } else {
            self = (percent > 0) == upIsGood ? .positive : .negative
        }
    }

    /// The tone's colour from ``Palette``.
    public var color: String {
        switch self {
        case .positive: Palette.positive
        case .negative: Palette.negative
        case .neutral: Palette.neutral
        case .warning: Palette.warning
        }
    }
}
