#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A floating-point type the network can compute in: `Float` for speed, `Double` for
/// exactness (gradient checks, binary64 models).
package protocol NetworkScalar: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    static func exponential(_ x: Self) -> Self
    static func hyperbolicTangent(_ x: Self) -> Self
    static func naturalLogarithm(_ x: Self) -> Self

    /// `C ← α·op(A)·op(B) + β·C`, row-major (see `BLAS.gemm`).
    static func gemm(
        _ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `y ← α·x + y` on `n` elements (see `BLAS.axpy`).
    static func axpy(n: Int, alpha: Self, x: UnsafePointer<Self>, y: UnsafeMutablePointer<Self>)
}

extension Float: NetworkScalar {
    @inlinable package static func exponential(_ x: Float) -> Float { expf(x) }
    @inlinable package static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }
    @inlinable package static func naturalLogarithm(_ x: Float) -> Float { logf(x) }

    package static func axpy(n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        BLAS.axpy(n: n, alpha: alpha, x: x, y: y)
    }

    package static func gemm(
        _ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        BLAS.gemm(
            transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
            beta: beta, c: c, ldc: ldc)
    }
}

extension Double: NetworkScalar {
    @inlinable package static func exponential(_ x: Double) -> Double { exp(x) }
    @inlinable package static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
    @inlinable package static func naturalLogarithm(_ x: Double) -> Double { log(x) }

    package static func axpy(n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        BLAS.axpy(n: n, alpha: alpha, x: x, y: y)
    }

    package static func gemm(
        _ transA: BLAS.Transpose, _ transB: BLAS.Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        BLAS.gemm(
            transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
            beta: beta, c: c, ldc: ldc)
    }
}
