/// A grid of the normalised 28 × 28 digits the network saw, each labelled with its
/// prediction and confidence; misclassified ones (when labels are known) framed in red.
package enum ContactSheetPicture {
    package struct Item: Sendable {
        package var pixels: [UInt8]
        package var prediction: String
        package var confidence: Double
        /// `true` when known to be wrong, `false` when known to be right, `nil` when unknown.
        package var wrong: Bool?

        package init(pixels: [UInt8], prediction: String, confidence: Double, wrong: Bool?) {
            self.pixels = pixels
            self.prediction = prediction
            self.confidence = confidence
            self.wrong = wrong
        }
    }

    /// The most digits drawn; a caption says when there were more.
    package static let maximumItems = 600

    package static func render(_ items: [Item]) throws(PictureError) -> Canvas {
        guard !items.isEmpty else { throw PictureError("there are no classified images to show") }
        let shown = Array(items.prefix(maximumItems))
        let scale = 2
        let tile = 28 * scale
        let cellWidth = tile + 12
        let cellHeight = tile + 22
        let columns = min(shown.count, 16)
        let rows = (shown.count + columns - 1) / columns
        let margin = 10
        let captionHeight = 18
        let width = max(columns * cellWidth + 2 * margin, 240)
        let height = rows * cellHeight + 2 * margin + captionHeight
        var canvas = Canvas(width: width, height: height, background: Color(245, 245, 245))
        let wrong = shown.filter { $0.wrong == true }.count
        var caption = "\(shown.count) images"
        if shown.contains(where: { $0.wrong != nil }) { caption += ", \(wrong) misclassified (red)" }
        if items.count > shown.count { caption += "; first \(shown.count) of \(items.count)" }
        canvas.text(caption, x: margin, y: margin)
        for (index, item) in shown.enumerated() {
            let x = margin + (index % columns) * cellWidth + 6
            let y = margin + captionHeight + (index / columns) * cellHeight + 4
            for row in 0..<28 {
                for column in 0..<28 {
                    let value = item.pixels.count == 784 ? item.pixels[row * 28 + column] : 0
                    canvas.fill(x: x + column * scale, y: y + row * scale, width: scale, height: scale, Color(value, value, value))
                }
            }
            if item.wrong == true { canvas.frame(x: x - 3, y: y - 3, width: tile + 6, height: tile + 6, thickness: 3, .red) }
            let label = "\(item.prediction) \(Int((item.confidence * 100).rounded()))%"
            canvas.centredText(label, x: x + tile / 2, y: y + tile + 6, item.wrong == true ? .red : .black)
        }
        return canvas
    }
}
