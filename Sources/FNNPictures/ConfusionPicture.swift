import Foundation
import FNNInference

/// The confusion matrix as a heat map: rows are the true classes, columns the
/// predictions; each cell shaded by its share of its row and labelled with its count.
package enum ConfusionPicture {
    package static func render(_ evaluation: Evaluation) throws(PictureError) -> Canvas {
        let classes = evaluation.classes.map(\.label)
        guard !classes.isEmpty else { throw PictureError("there is nothing to show") }
        let cell = 40
        let left = 60, top = 50, margin = 20
        let size = classes.count * cell
        let width = left + size + margin
        let height = top + size + 40
        var canvas = Canvas(width: width, height: height)
        canvas.text(String(format: "Confusion matrix: %.2f%% correct", evaluation.accuracy * 100), x: 10, y: 10)
        canvas.centredText("predicted", x: left + size / 2, y: top - 26)
        canvas.verticalText("true class", x: 10, y: top + size / 2 + BitmapFont.width(of: "true class") / 2)
        for (index, label) in classes.enumerated() {
            canvas.centredText(label, x: left + index * cell + cell / 2, y: top - 12)
            canvas.text(label, x: left - 8 - BitmapFont.width(of: label), y: top + index * cell + cell / 2 - 3)
        }
        for (row, counts) in evaluation.confusion.enumerated() {
            let total = max(counts.reduce(0, +), 1)
            for (column, count) in counts.enumerated() {
                let share = Double(count) / Double(total)
                let x = left + column * cell, y = top + row * cell
                canvas.fill(x: x, y: y, width: cell, height: cell, .sequential(count == 0 ? 0 : 0.08 + 0.92 * share))
                if count > 0 {
                    canvas.centredText(String(count), x: x + cell / 2, y: y + cell / 2 - 3, share > 0.5 ? .white : .black)
                }
            }
        }
        canvas.frame(x: left - 1, y: top - 1, width: size + 2, height: size + 2, .gray)
        return canvas
    }
}
