extension Duration {
    /// The duration in (fractional) milliseconds, the unit usage events and reports use.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
