// swhost: SWHostHTTP, access phase.


/// Apache's `$apr1$` password hash: FreeBSD's MD5-crypt with the magic `$apr1$`
/// (as in APR's `apr_md5_encode`, what `htpasswd -m` and `openssl passwd -apr1` produce).
enum APR1 {
    private static let itoa64 = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The full hash string (`$apr1$SALT$HASH`) for `password` with `salt` (at most 8 bytes used).
    static func hash(password: [UInt8], salt: some Collection<UInt8>, magic: String = "$apr1$") -> [UInt8] {
        let magic = Array(magic.utf8)
        let salt = Array(salt.prefix(8))

        var context = Insecure.MD5()
        context.update(data: password)
        context.update(data: magic)
        context.update(data: salt)

        var alternate = Insecure.MD5()
        alternate.update(data: password)
        alternate.update(data: salt)
        alternate.update(data: password)
        var final = Array(alternate.finalize())

        var remaining = password.count
        while remaining > 0 {
            context.update(data: final[0..<min(remaining, 16)])
            remaining -= 16
        }
        // The original zeroes `final` here and then feeds its first byte, i.e. a zero byte.
        var bit = password.count
        while bit != 0 {
            if bit & 1 != 0 {
                context.update(data: [0])
            } else {
                context.update(data: password.prefix(1))
            }
            bit >>= 1
        }
        final = Array(context.finalize())

        // 1000 rounds to slow brute force down.
        for i in 0..<1000 {
            var round = Insecure.MD5()
            if i & 1 != 0 { round.update(data: password) } else { round.update(data: final) }
            if i % 3 != 0 { round.update(data: salt) }
            if i % 7 != 0 { round.update(data: password) }
            if i & 1 != 0 { round.update(data: final) } else { round.update(data: password) }
            final = Array(round.finalize())
        }

        var out = magic + salt + [UInt8(ascii: "$")]
        func to64(_ value: UInt32, _ count: Int) {
            var v = value
            for _ in 0..<count {
                out.append(itoa64[Int(v & 0x3f)])
                v >>= 6
            }
        }
        let f = final.map(UInt32.init)
        to64(f[0] << 16 | f[6] << 8 | f[12], 4)
        to64(f[1] << 16 | f[7] << 8 | f[13], 4)
        to64(f[2] << 16 | f[8] << 8 | f[14], 4)
        to64(f[3] << 16 | f[9] << 8 | f[15], 4)
        to64(f[4] << 16 | f[10] << 8 | f[5], 4)
        to64(f[11], 2)
        return out
    }

    /// Checks `password` against a stored `$apr1$SALT$HASH`, in constant time over the hash.
    static func verify(password: [UInt8], stored: [UInt8]) -> Bool {
        let prefix = Array("$apr1$".utf8)
        guard stored.starts(with: prefix) else { return false }
        let rest = stored.dropFirst(prefix.count)
        let salt = rest.prefix { $0 != UInt8(ascii: "$") }
        return constantTimeEquals(hash(password: password, salt: salt), stored)
    }
}

/// Compares two byte strings without an early exit on the first difference (the length is not secret).
func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
