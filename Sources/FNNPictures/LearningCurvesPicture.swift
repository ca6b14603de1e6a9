import Foundation
import FNNModel

/// Training cost (left axis) and validation accuracy (right axis) per epoch.
package enum LearningCurvesPicture {
    package static func render(_ history: [EpochRecord]) throws(PictureError) -> Canvas {
        guard !history.isEmpty else { throw PictureError("there is no training history to plot") }
        let width = 640, height = 400
        let left = 64, right = 72, top = 34, bottom = 52
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        var canvas = Canvas(width: width, height: height)
        canvas.centredText("Learning curves", x: width / 2, y: 10, scale: 2)

        let epochs = history.map { Double($0.epoch) }
        let firstEpoch = epochs.min() ?? 1
        let lastEpoch = max(epochs.max() ?? 1, firstEpoch + 1)
        // A file may hold any finite number here: costs are drawn when finite and not
        // negative, accuracies clamped to 0…1, and every coordinate is clamped before it
        // becomes an integer.
        let costs = history.map(\.trainingCost).filter(Self.isDrawableCost)
        let highestCost = min(max(costs.max() ?? 1, 1e-9), 1e300)
        var costTicks = Label.ticks(0, highestCost)
        if let last = costTicks.last, last < highestCost {
            // One more tick so the whole curve fits.
            costTicks.append(last + (costTicks.count > 1 ? costTicks[1] - costTicks[0] : last))
        }
        let costTop = costTicks.last ?? 1
        let accuracies = history.map(\.validationAccuracy).filter { !$0.isNaN }.map(Self.clampedAccuracy)
        let lowest = accuracies.min().map { floor($0 * 100 - 0.5) } ?? 90
        let accuracyTicks = Label.ticks(max(0, lowest), 100)
        let accuracyBottom = accuracyTicks.first ?? 0

        func x(_ epoch: Double) -> Int {
            left + Canvas.coordinate(Double(plotWidth) * (epoch - firstEpoch) / (lastEpoch - firstEpoch))
        }
        func yCost(_ cost: Double) -> Int { top + plotHeight - Canvas.coordinate(Double(plotHeight) * cost / costTop) }
        func yAccuracy(_ percent: Double) -> Int {
            top + plotHeight - Canvas.coordinate(Double(plotHeight) * (percent - accuracyBottom) / max(100 - accuracyBottom, 1e-9))
        }

        // Grid, axes and ticks.
        for tick in costTicks {
            canvas.fill(x: left, y: yCost(tick), width: plotWidth, height: 1, .lightGray)
            let text = Label.number(tick)
            canvas.text(text, x: left - 6 - BitmapFont.width(of: text), y: yCost(tick) - 3, .blue)
        }
        for tick in accuracyTicks {
            canvas.text(Label.number(tick) + "%", x: left + plotWidth + 6, y: yAccuracy(tick) - 3, .orange)
        }
        for tick in Label.ticks(firstEpoch, lastEpoch, count: min(10, Int(lastEpoch - firstEpoch))) where tick == tick.rounded() {
            canvas.fill(x: x(tick), y: top + plotHeight, width: 1, height: 4, .black)
            canvas.centredText(String(Int(tick)), x: x(tick), y: top + plotHeight + 8)
        }
        canvas.fill(x: left, y: top, width: 1, height: plotHeight + 1, .black)
        canvas.fill(x: left + plotWidth, y: top, width: 1, height: plotHeight + 1, .black)
        canvas.fill(x: left, y: top + plotHeight, width: plotWidth + 1, height: 1, .black)
        canvas.centredText("epoch", x: left + plotWidth / 2, y: height - 18)
        canvas.verticalText("training cost", x: 8, y: top + plotHeight / 2 + BitmapFont.width(of: "training cost") / 2, .blue)
        canvas.verticalText(
            "validation accuracy", x: width - 16, y: top + plotHeight / 2 + BitmapFont.width(of: "validation accuracy") / 2, .orange)

        // The curves, with a dot per epoch.
        var previous: (Int, Int)?
        for record in history where Self.isDrawableCost(record.trainingCost) {
            let point = (x(Double(record.epoch)), yCost(record.trainingCost))
            if let previous { canvas.line(from: previous, to: point, thickness: 2, .blue) }
            canvas.fill(x: point.0 - 2, y: point.1 - 2, width: 5, height: 5, .blue)
            previous = point
        }
        previous = nil
        for record in history where !record.validationAccuracy.isNaN {
            let point = (x(Double(record.epoch)), yAccuracy(Self.clampedAccuracy(record.validationAccuracy) * 100))
            if let previous { canvas.line(from: previous, to: point, thickness: 2, .orange) }
            canvas.fill(x: point.0 - 2, y: point.1 - 2, width: 5, height: 5, .orange)
            previous = point
        }
        // Legend.
        canvas.fill(x: left + 10, y: top + 8, width: 12, height: 3, .blue)
        canvas.text("training cost", x: left + 26, y: top + 6)
        canvas.fill(x: left + 10, y: top + 20, width: 12, height: 3, .orange)
        canvas.text("validation accuracy", x: left + 26, y: top + 18)
        return canvas
    }

    private static func isDrawableCost(_ cost: Double) -> Bool { cost.isFinite && cost >= 0 && cost <= 1e300 }

    private static func clampedAccuracy(_ accuracy: Double) -> Double { min(1, max(0, accuracy)) }
}
