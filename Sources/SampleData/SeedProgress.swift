/// How far a seed has got, for a progress bar.
public struct SeedProgress: Sendable, Hashable {
    /// The part of the work under way.
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        /// Simulating the baseline to size the planted anomalies.
        case planning
        /// Writing products, distributors, outlets, employees and transaction types.
        case dimensions
        /// Writing secondary-sales lines.
        case secondarySales
        /// Writing primary invoices.
        case primaryInvoices
        /// Replacing the old raw tables with the new ones.
        case finishing
    }

    /// The stage under way.
    public var stage: Stage
    /// The whole seed's progress, from 0 to 1.
    public var fraction: Double
    /// Rows written so far, over all tables.
    public var rowsWritten: Int

    /// Makes a progress report.
    public init(stage: Stage, fraction: Double, rowsWritten: Int) {
        self.stage = stage
        self.fraction = fraction
        self.rowsWritten = rowsWritten
    }
}
