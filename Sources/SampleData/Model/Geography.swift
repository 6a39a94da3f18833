/// The Indian states, cities and sales zones the sample companies sell in.
enum Geography {
    /// Sales zones, in the order their ZSMs are numbered.
    static let zones = ["North", "West", "South", "East", "Central"]

    struct CitySpec: Sendable {
        var name: String
        /// Relative number of outlets.
        var weight: Double
        /// Large enough for Modern Trade chains and quick-commerce dark stores.
        var isMetro: Bool
    }

    struct StateSpec: Sendable {
        var name: String
        var code: String
        var zone: String
        /// The first city is the capital, where the super stockist sits.
        var cities: [CitySpec]
    }

    private static func city(_ name: String, _ weight: Double, metro: Bool = false) -> CitySpec {
        CitySpec(name: name, weight: weight, isMetro: metro)
    }

    static let states: [StateSpec] = [
        StateSpec(name: "Delhi", code: "DL", zone: "North", cities: [city("New Delhi", 10, metro: true)]),
        StateSpec(
            name: "Uttar Pradesh", code: "UP", zone: "North",
            cities: [city("Lucknow", 5), city("Kanpur", 4), city("Noida", 3, metro: true), city("Varanasi", 2), city("Agra", 2)]),
        StateSpec(name: "Punjab", code: "PB", zone: "North", cities: [city("Chandigarh", 2), city("Ludhiana", 3), city("Amritsar", 2)]),
        StateSpec(name: "Haryana", code: "HR", zone: "North", cities: [city("Gurugram", 3, metro: true), city("Faridabad", 2)]),
        StateSpec(name: "Rajasthan", code: "RJ", zone: "North", cities: [city("Jaipur", 4), city("Jodhpur", 2), city("Udaipur", 1.5)]),
        StateSpec(
            name: "Maharashtra", code: "MH", zone: "West",
            cities: [city("Mumbai", 12, metro: true), city("Pune", 6, metro: true), city("Nagpur", 3), city("Nashik", 2)]),
        StateSpec(
            name: "Gujarat", code: "GJ", zone: "West",
            cities: [city("Ahmedabad", 6, metro: true), city("Surat", 4), city("Vadodara", 2), city("Rajkot", 1.5)]),
        StateSpec(name: "Goa", code: "GA", zone: "West", cities: [city("Panaji", 1)]),
        StateSpec(
            name: "Karnataka", code: "KA", zone: "South",
            cities: [city("Bengaluru", 9, metro: true), city("Mysuru", 2), city("Hubballi", 1.5), city("Mangaluru", 1.5)]),
        StateSpec(
            name: "Tamil Nadu", code: "TN", zone: "South",
            cities: [city("Chennai", 8, metro: true), city("Coimbatore", 3), city("Madurai", 2), city("Tiruchirappalli", 1.5)]),
        StateSpec(name: "Kerala", code: "KL", zone: "South", cities: [city("Thiruvananthapuram", 2), city("Kochi", 3)]),
        StateSpec(name: "Telangana", code: "TG", zone: "South", cities: [city("Hyderabad", 8, metro: true), city("Warangal", 1.5)]),
        StateSpec(
            name: "Andhra Pradesh", code: "AP", zone: "South", cities: [city("Vijayawada", 2), city("Visakhapatnam", 3), city("Guntur", 1.5)]),
        StateSpec(
            name: "West Bengal", code: "WB", zone: "East", cities: [city("Kolkata", 9, metro: true), city("Siliguri", 2), city("Durgapur", 1.5)]),
        StateSpec(name: "Odisha", code: "OD", zone: "East", cities: [city("Bhubaneswar", 2.5), city("Cuttack", 1.5)]),
        StateSpec(name: "Bihar", code: "BR", zone: "East", cities: [city("Patna", 3), city("Gaya", 1)]),
        StateSpec(name: "Jharkhand", code: "JH", zone: "East", cities: [city("Ranchi", 2), city("Jamshedpur", 2)]),
        StateSpec(name: "Assam", code: "AS", zone: "East", cities: [city("Guwahati", 2)]),
        StateSpec(
            name: "Madhya Pradesh", code: "MP", zone: "Central",
            cities: [city("Bhopal", 3), city("Indore", 4), city("Jabalpur", 1.5), city("Gwalior", 1.5)]),
        StateSpec(name: "Chhattisgarh", code: "CG", zone: "Central", cities: [city("Raipur", 2.5), city("Bilaspur", 1)]),
    ]
}
