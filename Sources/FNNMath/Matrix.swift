/// A dense row-major matrix.
package struct Matrix<Scalar: NetworkScalar>: Sendable, Equatable {
    package let rows: Int
    package let columns: Int
    /// `rows × columns` elements, row after row.
    package var elements: [Scalar]

    /// A matrix of zeros (specialised and exported: filled through the generic witness
    /// tables, one element at a time, it was a sixth of a request's time in fnn serve).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    package init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, elements: [Scalar](repeating: 0, count: rows * columns))
    }

    package init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(elements.count == rows * columns, "matrix elements do not match its shape")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    package subscript(row: Int, column: Int) -> Scalar {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// The elements of one row.
    package func row(_ index: Int) -> ArraySlice<Scalar> {
        elements[(index * columns)..<((index + 1) * columns)]
    }

    /// For each row, the index of its largest element (the first one on ties).
    package func argmaxPerRow() -> [Int] {
        (0..<rows).map { row in
            var best = 0
            var bestValue = elements[row * columns]
            for column in 1..<max(columns, 1) where elements[row * columns + column] > bestValue {
                best = column
                bestValue = elements[row * columns + column]
            }
            return best
        }
    }

    /// `self · otherᵀ` with optional transposes, through BLAS.
    ///
    /// - Complexity: O(m·n·k).
    package func multiplied(
        by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false
    ) -> Matrix {
        let m = transposingSelf ? columns : rows
        let k = transposingSelf ? rows : columns
        let otherK = transposingOther ? other.columns : other.rows
        let n = transposingOther ? other.rows : other.columns
        precondition(k == otherK, "matrix shapes do not agree for a product")
        var result = Matrix(rows: m, columns: n)
        guard m > 0, n > 0 else { return result }
        if k == 0 { return result }
        elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in
                result.elements.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    Scalar.gemm(
                        transposingSelf ? .transposed : .none,
                        transposingOther ? .transposed : .none,
                        m: m, n: n, k: k, alpha: 1, a: a, lda: columns, b: b, ldb: other.columns,
                        beta: 0, c: c, ldc: n)
                }
            }
        }
        return result
    }
}

/// A row-major `rows × columns` array transposed to `columns × rows`.
///
/// - Complexity: O(rows × columns).
package func transposed<Scalar: BinaryFloatingPoint>(_ values: [Scalar], rows: Int, columns: Int) -> [Scalar] {
    var result = [Scalar](repeating: 0, count: values.count)
    values.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
            for row in 0..<rows {
                for column in 0..<columns { target[column &* rows &+ row] = source[row &* columns &+ column] }
            }
        }
    }
    return result
}
