public import Foundation

/// The last data watermark a tenant's alerts were computed for, and when it was last read.
public struct DataWatermark: Sendable, Hashable {
    /// The watermark whose alerts were all pushed; nil when only a check was recorded.
    public var value: String?
    /// When the scheduler last read the tenant's watermark.
    public var checkedAt: Date

    /// Makes a watermark.
    public init(value: String?, checkedAt: Date) {
        self.value = value
        self.checkedAt = checkedAt
    }
}
