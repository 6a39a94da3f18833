/// A tenant's products as its ERP lists them: brands, categories, SKUs in pack sizes with
/// rupee prices (current MRP), net weight and, for liquids, volume.
struct Catalogue: Sendable {
    /// SKU prefix, e.g. `ITC` in `ITC-ASH-001`.
    var prefix: String
    /// The domain of employees' e-mail addresses.
    var emailDomain: String
    /// Brands with their share of order lines.
    var brands: [BrandSpec]
    /// SKUs in ERP order.
    var products: [ProductSpec]
    /// The company's depots (C&F agents) per zone, which invoice distributors.
    var warehouses: [WarehouseSpec]

    static func of(_ tenant: SampleTenant) -> Catalogue {
        switch tenant {
        case .itc: return itc
        case .nestle: return nestle
        case .unilever: return unilever
        }
    }
}

struct BrandSpec: Sendable {
    var name: String
    /// Three letters in SKU codes.
    var code: String
    /// Relative share of order lines.
    var share: Double
}

struct WarehouseSpec: Sendable {
    var zone: String
    var code: String
    var name: String
}

/// When a category sells more: the shape of its year.
enum Seasonality: Int, Sendable, CaseIterable {
    case flat, summer, winter, festive, school, monsoon
}

/// Where a SKU is in its life during the seeded period.
enum Lifecycle: Sendable {
    case established
    /// Launched about 35 % into the period.
    case newLaunch
    /// Sold until about 65 % into the period, then inactive.
    case discontinued
}

enum UnitOfMeasure: String, Sendable {
    case pcs = "PCS", pack = "PACK", box = "BOX", bottle = "BOTTLE", pouch = "POUCH"
}

struct ProductSpec: Sendable {
    var brand: String
    var category: String
    var subCategory: String
    var name: String
    /// Current MRP in whole rupees.
    var rupees: Int
    /// Net weight in grams.
    var grams: Int
    /// Volume in millilitres, for liquids.
    var millilitres: Int?
    var uom: UnitOfMeasure
    var season: Seasonality
    var lifecycle: Lifecycle
}

/// Shorthand for catalogue tables.
func sku(
    _ brand: String, _ category: String, _ subCategory: String, _ name: String, _ rupees: Int, g grams: Int,
    ml: Int? = nil, _ uom: UnitOfMeasure, _ season: Seasonality = .flat, _ lifecycle: Lifecycle = .established
) -> ProductSpec {
    ProductSpec(
        brand: brand, category: category, subCategory: subCategory, name: name, rupees: rupees, grams: grams,
        millilitres: ml, uom: uom, season: season, lifecycle: lifecycle)
}
