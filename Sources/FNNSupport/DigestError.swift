/// The platform's crypto library could not compute a SHA-256.
///
/// This never depends on the bytes being hashed: it means the library itself failed (out of
/// memory, or an OpenSSL configuration that loads no provider of SHA-256).
struct DigestError: Error, Sendable, CustomStringConvertible {
    /// The library's own error code (OpenSSL's packed `ERR_get_error` value), or 0 if it
    /// gave none.
    var code: UInt
    /// What failed: the C function and what it was doing.
    var message: String
    /// The library's reason text for `code`, if it gave one.
    var cause: String?

    init(code: UInt = 0, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    var description: String {
        guard let cause else { return message }
        return "\(message): \(cause)"
    }
}
