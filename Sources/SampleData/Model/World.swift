import Warehouse

/// Everything a tenant's sample data is made of, fixed before any sale is simulated:
/// catalogue, geography, distributors, outlets, the sales force and the planted plan.
struct World: Sendable {
    enum Channel: Int, Sendable, CaseIterable {
        case generalTrade, modernTrade, wholesale, horeca, ecommerce

        var name: String {
            switch self {
            case .generalTrade: return "General Trade"
            case .modernTrade: return "Modern Trade"
            case .wholesale: return "Wholesale"
            case .horeca: return "HoReCa"
            case .ecommerce: return "E-commerce"
            }
        }

        /// The spellings exports use, the usual one first.
        var exportSpellings: [String] {
            switch self {
            case .generalTrade: return ["General Trade", "general trade", "GENERAL TRADE"]
            case .modernTrade: return ["Modern Trade", "modern trade", "MODERN TRADE"]
            case .wholesale: return ["Wholesale", "wholesale", "WHOLESALE"]
            case .horeca: return ["HoReCa", "horeca", "HORECA"]
            case .ecommerce: return ["E-commerce", "e-commerce", "E-COMMERCE"]
            }
        }
    }

    enum Role: Int, Sendable {
        case nsm, zsm, asm, so

        var exportSpellings: [String] {
            switch self {
            case .nsm: return ["NSM", "nsm", "Nsm"]
            case .zsm: return ["ZSM", "zsm", "Zsm"]
            case .asm: return ["ASM", "asm", "Asm"]
            case .so: return ["SO", "so", "So"]
            }
        }

        var territoryLevel: String {
            switch self {
            case .nsm: return "National"
            case .zsm: return "Zone"
            case .asm: return "State"
            case .so: return "City"
            }
        }
    }

    struct Brand: Sendable {
        var name: String
        var code: String
        var share: Double
        var products: [Int]
    }

    struct Product: Sendable {
        var id: Int
        var sku: String
        var name: String
        var brand: Int
        var category: String
        var subCategory: String
        var uom: UnitOfMeasure
        var grams: Int
        var millilitres: Int?
        /// Current MRP.
        var pricePaise: Int64
        /// MRP before the brand's planned price increase (the same when there is none).
        var earlierPricePaise: Int64
        /// First day at ``pricePaise``.
        var priceChangeDay: Int
        var season: Seasonality
        var launchDate: SQLDate
        /// First day it can sell (negative when launched before the period).
        var launchDay: Int
        /// First day it no longer sells (`Int.max` when it never stops).
        var endDay: Int
        /// Units per shipper case, the step of primary quantities.
        var caseSize: Int
        /// Relative share of order lines.
        var popularity: Double
    }

    struct State: Sendable {
        var name: String
        var code: String
        var zone: Int
        var cities: [Int]
    }

    struct City: Sendable {
        var name: String
        var state: Int
        var zone: Int
        var weight: Double
        var isMetro: Bool
    }

    struct Warehouse: Sendable {
        var code: String
        var name: String
    }

    struct Distributor: Sendable {
        var id: Int
        var code: String
        var name: String
        var isSuperStockist: Bool
        var city: Int
        var state: Int
        var zone: Int
        var creditLimitRupees: Int
        var onboardedOn: SQLDate
        /// Day of the week (0–6 from the first day) on which it orders.
        var orderOffset: Int
        var warehouse: Int
    }

    struct Outlet: Sendable {
        var id: Int
        var code: String
        var name: String
        var channel: Channel
        var city: Int
        var state: Int
        var zone: Int
        var distributor: Int
        var salesman: Int
        /// Probability of an order on an average day.
        var rate: Double
        /// Mean lines per order.
        var linesMean: Double
        /// Typical rupee value of one line.
        var lineRupees: Double
        /// Standing trade discount in basis points.
        var discountBp: Int
        /// First day it can order (negative when onboarded before the period).
        var onboardDay: Int
        var onboardedOn: SQLDate
        /// First day it no longer orders (`Int.max` unless it lapses).
        var lapseDay: Int
    }

    struct Employee: Sendable {
        var id: Int
        var code: String
        var name: String
        var email: String
        var role: Role
        var territoryName: String
        var manager: Int?
    }

    var options: SeedOptions
    var catalogue: Catalogue
    /// The date of each day index.
    var dates: [SQLDate]
    var zones: [String]
    var states: [State]
    var cities: [City]
    var brands: [Brand]
    var products: [Product]
    /// One per zone, in zone order.
    var warehouses: [Warehouse]
    var distributors: [Distributor]
    var outlets: [Outlet]
    var employees: [Employee]
    /// Regional taste: brand × zone demand multiplier.
    var brandAffinity: [[Double]]
    var plan: SignalPlan

    var days: Int { options.days }
    var weeks: Int { (options.days + 6) / 7 }
}
