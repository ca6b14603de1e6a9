extension String {
    /// The string right-aligned in a column `width` characters wide (unchanged if wider).
    package func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
