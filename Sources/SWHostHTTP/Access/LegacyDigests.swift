// swhost: SWHostHTTP, access phase.

import CLibCrypto

/// MD5 and SHA-1 for the legacy htpasswd formats (`$apr1$`, `{SHA}`, `{SSHA}`), from the system's
/// OpenSSL libcrypto. swift-crypto would do the same but links Foundation into the server (about
/// 8 MB of RSS per process, measured); libcrypto is already on every machine that has nginx.
enum Insecure {
    /// An incremental MD5 (the `$apr1$` algorithm feeds it piece by piece).
    struct MD5 {
        private let context: DigestContext

        init() {
            context = DigestContext(EVP_md5())
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
            let context = DigestContext(EVP_sha1())
            context.update(Array(data))
            return context.finalize()
        }
    }
}

/// An `EVP_MD_CTX`, freed with its owner. Used by one thread at a time (each hash is local).
private final class DigestContext {
    private let context: OpaquePointer?

    init(_ algorithm: OpaquePointer?) {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, algorithm, nil)
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count)
        }
    }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}
