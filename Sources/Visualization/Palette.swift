/// The colours of every chart: the Okabe–Ito palette, which readers with any common colour
/// vision deficiency can tell apart, and one colour per ``Tone``.
public enum Palette {
    /// Series colours in order: blue, orange, bluish green, reddish purple, sky blue,
    /// vermillion, yellow, grey.
    public static let series = [
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
    ]
    /// Good news.
    public static let positive = "#009E73"
    /// Bad news.
    public static let negative = "#D55E00"
    /// Information.
    public static let neutral = "#6B7280"
    /// Worth a look.
    public static let warning = "#E69F00"

    /// The colour of series `index`, repeating after the last.
    public static func color(_ index: Int) -> String { series[index % series.count] }
}
