/// The transaction types of the DMS, with `raw_transaction_types` ids.
enum TransactionKind: Int, Sendable, CaseIterable {
    case sale = 1, salesReturn = 2, free = 3, damage = 4

    var code: String {
        switch self {
        case .sale: return "SALE"
        case .salesReturn: return "RETURN"
        case .free: return "FREE"
        case .damage: return "DAMAGE"
        }
    }

    var name: String {
        switch self {
        case .sale: return "Sale"
        case .salesReturn: return "Sales Return"
        case .free: return "Free Goods"
        case .damage: return "Damaged Goods"
        }
    }

    /// +1 for what goes to the outlet, −1 for what comes back or is written off.
    var sign: Int64 {
        switch self {
        case .sale, .free: return 1
        case .salesReturn, .damage: return -1
        }
    }

    var exportSpellings: [String] { [code, code.lowercased(), code.prefix(1) + code.dropFirst().lowercased()] }
}

/// One simulated secondary-sales line, before it becomes a messy export row.
struct SecondaryLine {
    var product: Int
    var kind: TransactionKind
    var quantity: Int
    var ratePaise: Int64
    var grossPaise: Int64
    var discountPaise: Int64

    var netPaise: Int64 { grossPaise - discountPaise }
    /// Net sales as the marts count it: returns and damages negative.
    var signedNetPaise: Int64 { netPaise * kind.sign }

    init(product: Int, kind: TransactionKind, quantity: Int, ratePaise: Int64, discountBp: Int) {
        self.product = product
        self.kind = kind
        self.quantity = quantity
        self.ratePaise = ratePaise
        grossPaise = Int64(quantity) * ratePaise
        // Round half up to the paisa: integer arithmetic, the same everywhere.
        discountPaise = kind == .free ? grossPaise : (grossPaise * Int64(discountBp) + 5_000) / 10_000
    }
}

/// Receives the simulation's bills and lines: the baseline pass sums them, the writing
/// pass turns them into rows.
protocol SecondaryLineSink {
    mutating func beginBill(outlet: Int, day: Int)
    mutating func line(_ line: SecondaryLine)
}

/// A set of product indices, without allocation.
struct ProductMask {
    static let capacity = 128
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    func contains(_ i: Int) -> Bool { i < 64 ? low & (1 << UInt64(i)) != 0 : high & (1 << UInt64(i - 64)) != 0 }

    mutating func insert(_ i: Int) {
        if i < 64 { low |= 1 << UInt64(i) } else { high |= 1 << UInt64(i - 64) }
    }
}
