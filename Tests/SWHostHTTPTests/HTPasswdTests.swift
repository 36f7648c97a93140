// Tests for SWHostHTTP's htpasswd support (nginx's auth_basic_user_file formats:
// https://nginx.org/en/docs/http/ngx_http_auth_basic_module.html#auth_basic_user_file).
// Hashes were made with `openssl passwd` (-apr1, -1, -5, -6) and Python's crypt/hashlib.

import Foundation
import Testing

import SWHostConfig
@testable import SWHostHTTP

@Suite struct HTPasswdTests {
    static let password = "correct horse"

    @Test(arguments: [
        ("$apr1$r31Lk3Gf$16Qao3jcXAbbvnQzi2cBc.", PasswordHash.Scheme.apr1),  // openssl passwd -apr1
        ("$1$saltsalt$NuzA7WTAelpl95xgBGWN60", .crypt),  // openssl passwd -1
        ("$5$saltysalt$ydT8c8mnxUFOskSzhFYIiMhQnXPR0AgsaqGCkN5EDB/", .crypt),  // openssl passwd -5
        ("$6$sixsalt6$1hEE4RWIWF/MZ987pO3tjXwfY/yAg15kG/mApqP3OaP.Mxu/KE5DKj56UgKOZMDkjcpUgivrP3eJ13HkeGTnv0", .crypt),
        ("$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", .crypt),  // bcrypt
        ("$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", .crypt),  // bcrypt, Apache's prefix
        ("$2b$04$NbQf7FLZpTm3A1MzqmV4gePfqHcU7kh3MnhJEYLAdqCHpGwJLoASC", .crypt),
        ("{SHA}L55TUjtiq8FBorTWAZ0jy6g129A=", .sha),
        ("{SSHA}5pcxo13YdJml98eQSIlT3FMEBMMBAgME", .ssha),
        ("{PLAIN}correct horse", .plain),
    ])
    func eachFormatAcceptsTheRightPasswordOnly(stored: String, scheme: PasswordHash.Scheme) {
        #expect(PasswordHash.scheme(of: Array(stored.utf8)) == scheme)
        #expect(PasswordHash.verify(password: Array(Self.password.utf8), stored: stored))
        #expect(!PasswordHash.verify(password: Array("correct horsf".utf8), stored: stored))
        #expect(!PasswordHash.verify(password: Array("correct hors".utf8), stored: stored))
        #expect(!PasswordHash.verify(password: [], stored: stored))
    }

    @Test func traditionalDESCrypt() {
        // Python: crypt.crypt("secret", "ab"); DES looks at 8 characters only.
        #expect(PasswordHash.verify(password: Array("secret".utf8), stored: "abNANd1rDfiNc"))
        #expect(!PasswordHash.verify(password: Array("secreT".utf8), stored: "abNANd1rDfiNc"))
    }

    @Test(arguments: [
        ("", "ab", "$apr1$ab$S8K6Sgp3W8c9Jb6LxgywZ."),
        ("correct horse", "r31Lk3Gf", "$apr1$r31Lk3Gf$16Qao3jcXAbbvnQzi2cBc."),
        ("a:b€", "12345678", "$apr1$12345678$lqePqq1Sodec6ZjCaC9my0"),
    ])
    func apr1MatchesOpenSSL(password: String, salt: String, expected: String) {
        let hash = APR1.hash(password: Array(password.utf8), salt: Array(salt.utf8))
        #expect(String(decoding: hash, as: UTF8.self) == expected)
    }

    @Test func apr1AgreesWithOpenSSLForFreshSalts() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { return }
        for password in ["x", "sixteen-byte-pw!", "a much longer password than sixteen bytes, with spaces"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["passwd", "-apr1", password]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let stored = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(stored.hasPrefix("$apr1$"))
            #expect(PasswordHash.verify(password: Array(password.utf8), stored: stored))
            #expect(!PasswordHash.verify(password: Array((password + "x").utf8), stored: stored))
        }
    }

    @Test(arguments: [
        "", "$apr1$", "{SHA}", "{SHA}not base64!", "{SHA}AAAA", "{SSHA}AAAA", "*", "!", "$6$", "$2y$05$short",
    ])
    func malformedHashesNeverMatch(stored: String) {
        #expect(!PasswordHash.verify(password: [], stored: stored))
        #expect(!PasswordHash.verify(password: Array("x".utf8), stored: stored))
    }

    @Test func passwordWithNULNeverMatchesACryptHash() {
        // crypt(3) would stop at the NUL and compare "correct horse" only.
        #expect(!PasswordHash.verify(password: Array("correct horse".utf8) + [0, 65], stored: "$1$saltsalt$NuzA7WTAelpl95xgBGWN60"))
    }

    @Test func fileParsingSkipsCommentsAndBlankLinesAndKeepsTheFirstEntry() {
        let file = HTPasswd(text: """
            # users of the staging site

            alice:{PLAIN}wonderland
              # indented comment
            bob:$apr1$r31Lk3Gf$16Qao3jcXAbbvnQzi2cBc.:Bob the builder\r
            alice:{PLAIN}second-entry-ignored
            nocolon
            :{PLAIN}emptyuser
            carol:{SHA}L55TUjtiq8FBorTWAZ0jy6g129A=
            """)
        #expect(file.users == ["alice", "bob", "carol"])
        #expect(file.verify(user: "alice", password: "wonderland"))
        #expect(!file.verify(user: "alice", password: "second-entry-ignored"))
        #expect(file.verify(user: "bob", password: "correct horse"))
        #expect(!file.verify(user: "bob", password: "Bob the builder"))
        #expect(file.verify(user: "carol", password: "correct horse"))
        #expect(!file.verify(user: "dave", password: "correct horse"))
        #expect(!file.verify(user: "", password: "emptyuser"))
        #expect(!file.verify(user: "Alice", password: "wonderland"))
    }

    @Test(arguments: [
        ("Basic YWxpY2U6b3BlbiBzZXNhbWU=", "alice", "open sesame"),
        ("basic YWxpY2U6b3BlbiBzZXNhbWU=", "alice", "open sesame"),
        ("BASIC   YWxpY2U6b3BlbiBzZXNhbWU=  ", "alice", "open sesame"),
        ("Basic Ym9iOnBhOnNz", "bob", "pa:ss"),  // split at the first colon (RFC 7617)
        ("Basic Ym9iOg==", "bob", ""),
        ("Basic Ym9iOg", "bob", ""),  // padding omitted
    ])
    func basicCredentialsAreDecoded(header: String, user: String, password: String) throws {
        let credentials = try #require(BasicCredentials(authorization: header))
        #expect(credentials.userString == user)
        #expect(credentials.password == Array(password.utf8))
    }

    @Test(arguments: [
        "", "Basic", "Basic ", "Bearer YWxpY2U6b3BlbiBzZXNhbWU=", "BasicYWxpY2U6b3BlbiBzZXNhbWU=",
        "Basic YWxpY2U=",  // "alice": no colon
        "Basic !!!!", "Basic YW=xp", "Digest username=\"a\"",
    ])
    func invalidAuthorizationHeadersAreRejected(header: String) {
        #expect(BasicCredentials(authorization: header) == nil)
    }

    @Test func base64RoundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64.encode(bytes)
            #expect(Base64.decode(Array(encoded.utf8)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
    }

    @Test func constantTimeEqualsComparesAllBytes() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [9, 2, 3]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
    }

    @Test func cacheReusesAnUnchangedFileAndRereadsAChangedOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swhost-htpasswd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("htpasswd").path
        try "alice:{PLAIN}one\n".write(toFile: path, atomically: false, encoding: .utf8)

        let cache = HTPasswdCache()
        let first = try cache.file(path: path)
        #expect(first.verify(user: "alice", password: "one"))
        #expect(try cache.file(path: path) == first)
        #expect(cache.count == 1)

        // An atomic replace (new inode) with a different password takes effect at once.
        try "alice:{PLAIN}two\nbob:{PLAIN}three\n".write(toFile: path, atomically: true, encoding: .utf8)
        let second = try cache.file(path: path)
        #expect(second.verify(user: "alice", password: "two"))
        #expect(!second.verify(user: "alice", password: "one"))
        #expect(second.users == ["alice", "bob"])

        try FileManager.default.removeItem(atPath: path)
        #expect(throws: FileOpenError.self) { try cache.file(path: path) }
        #expect(cache.count == 0)
    }

    @Test func missingFileErrorUsesNginxWording() {
        do {
            _ = try HTPasswd.load(path: "/nonexistent-swhost/htpasswd")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "open() \"/nonexistent-swhost/htpasswd\" failed (2: No such file or directory)")
        }
    }
}
