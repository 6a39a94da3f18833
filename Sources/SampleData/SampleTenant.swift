/// A company whose sample catalogue SampleData knows: its brands, pack sizes and prices.
public enum SampleTenant: String, Sendable, Hashable, CaseIterable, Codable {
    /// ITC Limited: Aashirvaad, Sunfeast, Bingo!, Yippee!, Classmate, Fiama, Savlon, B Natural…
    case itc
    /// Nestlé India: Maggi, Nescafé, KitKat, Munch, Milkybar, Everyday, a+, Cerelac…
    case nestle
    /// Hindustan Unilever: Surf Excel, Rin, Lux, Dove, Lifebuoy, Brooke Bond, Kissan, Knorr, Horlicks…
    case unilever

    /// The company's name.
    public var displayName: String {
        switch self {
        case .itc: return "ITC Limited"
        case .nestle: return "Nestlé India"
        case .unilever: return "Hindustan Unilever"
        }
    }

    /// The sample tenant for a configured tenant id; nil when no catalogue exists for it.
    public init?(tenantID: String) {
        self.init(rawValue: tenantID.lowercased())
    }
}
