#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// The matrix-product kernels fnn needs, from CBLAS (OpenBLAS on Linux, Accelerate on
/// macOS). This is the only file that imports either.
package enum BLAS {
    /// Whether to transpose an operand of `gemm`.
    package enum Transpose: Sendable {
        case none
        case transposed

        var cblas: CBLAS_TRANSPOSE {
            self == .none ? CblasNoTrans : CblasTrans
        }
    }

    /// `C ← α·op(A)·op(B) + β·C` on row-major single-precision matrices, where `op(A)` is
    /// `m × k` and `op(B)` is `k × n`.
    ///
    /// The corresponding C function is `cblas_sgemm`.
    /// - Complexity: O(m·n·k).
    package static func gemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k),
            alpha, a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// `C ← α·op(A)·op(B) + β·C` on row-major double-precision matrices.
    ///
    /// The corresponding C function is `cblas_dgemm`.
    /// - Complexity: O(m·n·k).
    package static func gemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k),
            alpha, a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// `y ← α·x + y` on `n` single-precision elements (element by element: each result
    /// depends on its own `x` and `y` only).
    ///
    /// The corresponding C function is `cblas_saxpy`.
    package static func axpy(n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(blasInt(n), alpha, x, 1, y, 1)
    }

    /// `y ← α·x + y` on `n` double-precision elements.
    ///
    /// The corresponding C function is `cblas_daxpy`.
    package static func axpy(n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasInt(n), alpha, x, 1, y, 1)
    }

    /// The name of the compute kernel the BLAS library chose for this processor.
    ///
    /// The corresponding C function is `openblas_get_corename`.
    package static var coreName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
        #endif
    }

    /// The BLAS library's build configuration, for `--version`.
    ///
    /// The corresponding C function is `openblas_get_config`.
    package static var configuration: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        guard let config = openblas_get_config() else { return "OpenBLAS" }
        return String(cString: config).trimmingSpaces()
        #endif
    }

    /// Limits the number of threads BLAS uses.
    ///
    /// The corresponding C function is `openblas_set_num_threads`.
    package static func setThreadCount(_ count: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(clamping: count))
        #endif
    }

    /// Makes BLAS single-threaded and stops its worker threads, which otherwise spin for
    /// about 0.1 s after loading and after each multi-threaded product, taking a core from
    /// work that runs on fnn's own threads.
    ///
    /// The corresponding C functions are `openblas_set_num_threads` and
    /// `blas_thread_shutdown_`.
    package static func useSingleThread() {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
        #endif
    }

    #if canImport(Accelerate)
    private static func blasInt(_ value: Int) -> Int32 { Int32(value) }
    #else
    private static func blasInt(_ value: Int) -> blasint { blasint(value) }
    #endif
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
