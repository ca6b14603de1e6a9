import FNNKit
import Testing

/// BLAS products against a plain triple loop, in both precisions and every transpose, so a
/// wrongly chosen or broken BLAS kernel is caught.
@Suite struct BLASTests {
    static func reference<Scalar: NetworkScalar>(
        _ a: Matrix<Scalar>, _ b: Matrix<Scalar>, transposeA: Bool, transposeB: Bool
    ) -> [Double] {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        var result = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p, i] : a[i, p]
                    let y = transposeB ? b[j, p] : b[p, j]
                    sum += Double(x) * Double(y)
                }
                result[i * n + j] = sum
            }
        }
        return result
    }

    static func random<Scalar: NetworkScalar>(_ rows: Int, _ columns: Int, _ generator: inout SplitMix64) -> Matrix<Scalar> {
        Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in Scalar(generator.nextUnit() * 2 - 1) })
    }

    static let shapes = [(1, 1, 1), (3, 5, 7), (64, 33, 17), (100, 784, 30), (257, 129, 65)]

    @Test(arguments: shapes, [false, true])
    func singlePrecisionMatchesTheReference(shape: (Int, Int, Int), transposed: Bool) {
        check(Float.self, shape, transposed, tolerance: 1e-4)
    }

    @Test(arguments: shapes, [false, true])
    func doublePrecisionMatchesTheReference(shape: (Int, Int, Int), transposed: Bool) {
        check(Double.self, shape, transposed, tolerance: 1e-12)
    }

    func check<Scalar: NetworkScalar>(_: Scalar.Type, _ shape: (Int, Int, Int), _ transposed: Bool, tolerance: Double) {
        let (m, k, n) = shape
        var generator = SplitMix64(seed: UInt64(m * 1000 + k * 10 + n))
        for (transposeA, transposeB) in [(false, transposed), (transposed, false), (transposed, transposed)] {
            let a: Matrix<Scalar> = transposeA ? Self.random(k, m, &generator) : Self.random(m, k, &generator)
            let b: Matrix<Scalar> = transposeB ? Self.random(n, k, &generator) : Self.random(k, n, &generator)
            let product = a.multiplied(by: b, transposingSelf: transposeA, transposingOther: transposeB)
            let expected = Self.reference(a, b, transposeA: transposeA, transposeB: transposeB)
            #expect(product.rows == m && product.columns == n)
            let largestError = zip(product.elements, expected).map { (Double($0) - $1).magnitude }.max() ?? 0
            #expect(largestError <= tolerance * Double(k), "m=\(m) k=\(k) n=\(n) tA=\(transposeA) tB=\(transposeB)")
        }
    }

    @Test func theCoreNameIsKnown() {
        #expect(!BLAS.coreName.isEmpty)
        #expect(BLAS.coreName != "unknown")
    }
}
