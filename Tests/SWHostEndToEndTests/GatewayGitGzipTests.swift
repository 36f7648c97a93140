// git's gzip-encoded request bodies through the CGI bridge: git compresses an upload-pack
// request (Content-Encoding: gzip) once it exceeds 1 KiB, which a clone of a repository with
// a few hundred tags, or a fetch with many haves, does. git-http-backend inflates it itself;
// swhost must pass the bytes through untouched.

import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct GatewayGitGzipTests {
    private func git(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try #require(FileManager.default.isExecutableFile(atPath: GatewayPeers.git), "git is not installed (scripts/install-deps --test)")
        var args = ["-c", "user.name=swhost", "-c", "user.email=t@example.com"]
        if let directory { args += ["-C", directory] }
        return try runProcess(executable: URL(fileURLWithPath: GatewayPeers.git), arguments: args + arguments, timeout: .seconds(120))
    }

    @Test(arguments: ["1", "2"])
    func cloneAndFetchWithGzipRequestBodies(protocolVersion: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: GatewayPeers.gitHTTPBackend), "git-http-backend is not installed (scripts/install-deps --test)")
        let f = try GatewayFixture(
            extraServer: "access_log logs/git.log encoding;",
            extraHTTP: "log_format encoding '$request_method $request_uri $http_content_encoding $status';")
        defer { f.tearDown() }
        let work = f.prefix.path("work")
        let bare = f.prefix.path("repos/tags.git")
        #expect(try git(["init", "-q", "-b", "main", work]).status == 0)
        // 150 commits, each tagged: a clone wants 150 distinct objects (~7 KB of want lines).
        for i in 0..<150 {
            try f.prefix.write("work/file.txt", "version \(i)\n")
            _ = try git(["add", "."], in: work)
            #expect(try git(["commit", "-q", "-m", "commit \(i)"], in: work).status == 0)
            #expect(try git(["tag", "v\(i)"], in: work).status == 0)
        }
        #expect(try git(["clone", "-q", "--bare", work, bare]).status == 0)

        let url = "http://127.0.0.1:\(f.port)/git/tags.git"
        let clone = f.prefix.path("clone")
        let cloned = try git(["-c", "protocol.version=\(protocolVersion)", "clone", "-q", url, clone])
        #expect(cloned.status == 0, "\(cloned.stderr)")
        #expect(try git(["tag"], in: clone).stdout.split(separator: "\n").count == 150)
        #expect(try git(["fsck", "--strict"], in: clone).status == 0)

        // New history on the server; the clone fetches it, advertising its 150 commits as haves.
        for i in 150..<160 {
            try f.prefix.write("work/file.txt", "version \(i)\n")
            _ = try git(["commit", "-q", "-am", "commit \(i)"], in: work)
            _ = try git(["tag", "v\(i)"], in: work)
        }
        #expect(try git(["push", "-q", "--tags", bare, "main"], in: work).status == 0)
        let fetched = try git(["-c", "protocol.version=\(protocolVersion)", "fetch", "-q", "--tags", "origin"], in: clone)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(try git(["rev-list", "--count", "origin/main"], in: clone).stdout == "160\n")
        #expect(try git(["fsck", "--strict"], in: clone).status == 0)

        let log = f.prefix.read("logs/git.log")
        let gzipPosts = log.split(separator: "\n").filter { $0.hasPrefix("POST ") && $0.contains("git-upload-pack gzip 200") }
        #expect(!gzipPosts.isEmpty, "no gzip-encoded upload-pack request was seen:\n\(log)")
    }
}
