// git-http-backend through `cgi_pass`: clone, fetch and push over smart HTTP.

import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct GatewayGitTests {
    private func git(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try #require(FileManager.default.isExecutableFile(atPath: GatewayPeers.git), "git is not installed")
        var args = ["-c", "user.name=swhost", "-c", "user.email=t@example.com", "-c", "protocol.version=2"]
        if let directory { args += ["-C", directory] }
        return try runProcess(executable: URL(fileURLWithPath: GatewayPeers.git), arguments: args + arguments, timeout: .seconds(120))
    }

    @Test func cloneFetchAndPushOverSmartHTTP() throws {
        try #require(FileManager.default.isExecutableFile(atPath: GatewayPeers.gitHTTPBackend), "git-http-backend is not installed")
        let f = try GatewayFixture()
        defer { f.tearDown() }
        let work = f.prefix.path("work")
        let bare = f.prefix.path("repos/project.git")
        #expect(try git(["init", "-q", "-b", "main", work]).status == 0)
        for i in 0..<200 {
            try f.prefix.write("work/file\(i % 20).txt", "line \(i)\n" + String(repeating: "x", count: i * 10))
            _ = try git(["add", "."], in: work)
            #expect(try git(["commit", "-q", "-m", "commit \(i)"], in: work).status == 0)
        }
        #expect(try git(["clone", "-q", "--bare", work, bare]).status == 0)
        // Pushes over HTTP need the receive-pack service enabled.
        #expect(try git(["config", "http.receivepack", "true"], in: bare).status == 0)

        let url = "http://127.0.0.1:\(f.port)/git/project.git"
        let clone = f.prefix.path("clone")
        let cloned = try git(["clone", "-q", url, clone])
        #expect(cloned.status == 0, "\(cloned.stderr)")
        #expect(try git(["rev-list", "--count", "HEAD"], in: clone).stdout == "200\n")
        #expect(try git(["fsck", "--strict"], in: clone).status == 0)

        // Push a commit back, then fetch it in the original clone's sibling.
        try f.prefix.write("clone/pushed.txt", String(repeating: "p", count: 200_000))
        _ = try git(["add", "."], in: clone)
        #expect(try git(["commit", "-q", "-m", "pushed"], in: clone).status == 0)
        let pushed = try git(["push", "-q", "origin", "main"], in: clone)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(try git(["rev-list", "--count", "main"], in: bare).stdout == "201\n")

        let second = f.prefix.path("second")
        #expect(try git(["clone", "-q", "--depth", "1", url, second]).status == 0)
        _ = try git(["fetch", "-q", "--unshallow"], in: second)
        #expect(try git(["rev-list", "--count", "HEAD"], in: second).stdout == "201\n")
    }
}
