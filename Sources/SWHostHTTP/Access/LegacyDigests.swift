// swhost: SWHostHTTP, access phase.

import CLazyLibraries

/// MD5 and SHA-1 for the legacy htpasswd formats (`$apr1$`, `{SHA}`, `{SSHA}`), from the system's
/// OpenSSL libcrypto, loaded on first use (`CLazyLibraries`). swift-crypto would do the same but
/// links Foundation into the server (about 8 MB of RSS per process, measured); libcrypto is
/// already on every machine that has nginx.
enum Insecure {
    /// An incremental MD5 (the `$apr1$` algorithm feeds it piece by piece).
    struct MD5 {
        private let context: DigestContext

        init() {
            context = DigestContext(Int32(SWHOST_DIGEST_MD5))
        }

        mutating func update(data: some Sequence<UInt8>) {
            context.update(Array(data))
        }

        func finalize() -> [UInt8] {
            context.finalize()
        }
    }

    enum SHA1 {
        static let byteCount = 20

        static func hash(data: some Sequence<UInt8>) -> [UInt8] {
            let context = DigestContext(Int32(SWHOST_DIGEST_SHA1))
            context.update(Array(data))
            return context.finalize()
        }
    }
}

/// An `EVP_MD_CTX`, freed with its owner. Used by one thread at a time (each hash is local).
/// Without libcrypto (it could not be loaded) the digest is empty, which matches no stored hash:
/// the password check fails closed.
private final class DigestContext {
    private let context: OpaquePointer?

    init(_ algorithm: Int32) {
        context = swhost_digest_new(algorithm)
    }

    deinit {
        swhost_digest_free(context)
    }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            _ = swhost_digest_update(context, raw.baseAddress, raw.count)
        }
    }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SWHOST_DIGEST_MAX_SIZE))
        var length: UInt32 = 0
        guard swhost_digest_final(context, &out, &length) == 1 else { return [] }
        return Array(out.prefix(Int(length)))
    }
}
