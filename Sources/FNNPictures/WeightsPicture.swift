import FNNModel

/// The first layer's weights as a grid of image-shaped tiles, one per hidden unit, in a
/// diverging colour map (blue negative, white zero, red positive) with a legend.
package enum WeightsPicture {
    package static func render(_ model: Model) throws(PictureError) -> Canvas {
        guard let layer = model.layers.first else { throw PictureError("the model has no layers") }
        let contract = model.metadata.inputContract
        guard contract.width * contract.height == layer.inputSize else {
            throw PictureError("the first layer takes \(layer.inputSize) inputs, not a \(contract.width) × \(contract.height) image")
        }
        let units = layer.outputSize
        let weights = layer.weights.doubles()
        // The colour scale ends at the 99th percentile of |w|, so a few large weights do
        // not wash out the rest.
        let sorted = weights.map(abs).sorted()
        let limit = max(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))], 1e-12)
        let columns = Int(Double(units).squareRoot().rounded(.up))
        let rows = (units + columns - 1) / columns
        let scale = max(1, min(4, 640 / (columns * contract.width)))
        let gap = scale > 1 ? 2 : 1
        let tileWidth = contract.width * scale
        let tileHeight = contract.height * scale
        let margin = 10
        let titleHeight = 20
        let legendHeight = 40
        let gridWidth = columns * (tileWidth + gap) - gap
        let width = max(gridWidth + 2 * margin, 260)
        let height = titleHeight + rows * (tileHeight + gap) - gap + legendHeight + 2 * margin
        // Sides are at most 65,536 and units too, so these products cannot overflow.
        guard width * height <= Canvas.maximumPixels else {
            throw PictureError(
                "\(units) tiles of \(contract.width) × \(contract.height) make a \(width) × \(height) picture, over the limit of 2^28 pixels")
        }
        var canvas = Canvas(width: width, height: height)
        canvas.text("Layer 1 weights: \(units) units, \(contract.width) x \(contract.height) inputs", x: margin, y: margin)
        let top = margin + titleHeight
        let left = (width - gridWidth) / 2
        for unit in 0..<units {
            let originX = left + (unit % columns) * (tileWidth + gap)
            let originY = top + (unit / columns) * (tileHeight + gap)
            for y in 0..<contract.height {
                for x in 0..<contract.width {
                    let value = weights[unit * layer.inputSize + y * contract.width + x]
                    canvas.fill(x: originX + x * scale, y: originY + y * scale, width: scale, height: scale, .diverging(value / limit))
                }
            }
        }
        // Legend: the colour bar from −limit to +limit.
        let barTop = top + rows * (tileHeight + gap) + 8
        let barWidth = min(240, width - 2 * margin)
        let barLeft = (width - barWidth) / 2
        for x in 0..<barWidth {
            let value = Double(x) / Double(barWidth - 1) * 2 - 1
            canvas.fill(x: barLeft + x, y: barTop, width: 1, height: 10, .diverging(value))
        }
        canvas.frame(x: barLeft - 1, y: barTop - 1, width: barWidth + 2, height: 12, .gray)
        canvas.text(Label.number(-limit), x: barLeft, y: barTop + 14)
        canvas.centredText("0", x: barLeft + barWidth / 2, y: barTop + 14)
        let right = Label.number(limit)
        canvas.text(right, x: barLeft + barWidth - BitmapFont.width(of: right), y: barTop + 14)
        return canvas
    }
}
