// swhost: SWHostHTTP, access phase.

import CSWHostSystem

/// Password verification for the hash formats `auth_basic_user_file` accepts (as nginx does):
/// - crypt(3) through libxcrypt: bcrypt `$2y$`/`$2b$`/`$2a$`, `$5$` SHA-256, `$6$` SHA-512,
///   `$1$` MD5, yescrypt `$y$`, and traditional DES;
/// - `$apr1$` (Apache MD5), computed here over MD5;
/// - `{SHA}` (base64 SHA-1) and `{SSHA}` (base64 of SHA-1(password+salt) followed by the salt);
/// - `{PLAIN}` (clear text).
///
/// crypt(3) with bcrypt or SHA-crypt costs milliseconds: call this off the event loop.
public enum PasswordHash {
    /// The format a stored hash is in.
    public enum Scheme: Sendable, Hashable {
        case crypt, apr1, sha, ssha, plain
    }

    /// Which scheme `stored` uses.
    public static func scheme(of stored: some Collection<UInt8>) -> Scheme {
        if stored.starts(with: "$apr1$".utf8) { return .apr1 }
        if stored.starts(with: "{SHA}".utf8) { return .sha }
        if stored.starts(with: "{SSHA}".utf8) { return .ssha }
        if stored.starts(with: "{PLAIN}".utf8) { return .plain }
        return .crypt
    }

    /// True when `password` matches `stored`.
    public static func verify(password: [UInt8], stored: String) -> Bool {
        verify(password: password, stored: Array(stored.utf8))
    }

    /// True when `password` matches `stored` (bytes of one password field).
    public static func verify(password: [UInt8], stored: [UInt8]) -> Bool {
        switch scheme(of: stored) {
        case .apr1:
            return APR1.verify(password: password, stored: stored)
        case .sha:
            guard let expected = Base64.decode(stored.dropFirst(5)), expected.count == Insecure.SHA1.byteCount else { return false }
            return constantTimeEquals(Array(Insecure.SHA1.hash(data: password)), expected)
        case .ssha:
            guard let decoded = Base64.decode(stored.dropFirst(6)), decoded.count > Insecure.SHA1.byteCount else { return false }
            let digest = decoded.prefix(Insecure.SHA1.byteCount)
            let salt = decoded.dropFirst(Insecure.SHA1.byteCount)
            return constantTimeEquals(Array(Insecure.SHA1.hash(data: password + salt)), digest)
        case .plain:
            return constantTimeEquals(password, stored.dropFirst(7))
        case .crypt:
            // crypt(3) reads C strings: a NUL inside the password would truncate it.
            guard !stored.isEmpty, !password.contains(0), !stored.contains(0) else { return false }
            return (password + [0]).withUnsafeBufferPointer { pw in
                (stored + [0]).withUnsafeBufferPointer { hash in
                    pw.withMemoryRebound(to: CChar.self) { pwC in
                        hash.withMemoryRebound(to: CChar.self) { hashC in
                            swhost_crypt_check(pwC.baseAddress, hashC.baseAddress) == 1
                        }
                    }
                }
            }
        }
    }
}

