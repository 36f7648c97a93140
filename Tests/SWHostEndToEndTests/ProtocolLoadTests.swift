// End-to-end: concurrent keep-alive clients and clients that go away mid-response; the server
// answers every request exactly and keeps serving afterwards.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let bigText: String = {
    var s = ""
    var i = 0
    while s.utf8.count < 6 << 20 {
        s += "\(i) lorem ipsum dolor sit amet, consectetur adipiscing elit\n"
        i += 1
    }
    return s
}()

private let loadServer = SharedServer {
    try E2EServer(
        name: "load",
        http: """
            gzip on;
            gzip_types text/plain;
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location / { }
                location = /ret { return 200 "ret $arg_i\\n"; }
            }
            """,
        files: ["www/small.txt": "small body\n", "www/big.txt": bigText, "www/mid.txt": textBytes(200_000)])
}

@Suite(.serialized) struct ProtocolLoadTests {
    var s: E2EServer { get throws { try loadServer.get() } }

    /// 24 clients x 30 keep-alive requests, mixed plain/gzip/return, all answered exactly.
    @Test func concurrentKeepAliveClientsAllGetExactAnswers() async throws {
        let s = try s
        let mid = Array(textBytes(200_000).utf8)
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<24 {
                group.addTask {
                    let c = try s.client(timeout: .seconds(20))
                    defer { c.close() }
                    var bad = 0
                    for i in 0..<30 {
                        switch (client + i) % 3 {
                        case 0:
                            if try c.request(path: "/small.txt").bodyString != "small body\n" { bad += 1 }
                        case 1:
                            let r = try c.request(path: "/mid.txt", headers: [("Accept-Encoding", "gzip")])
                            let decoded = try gunzip(r.body)
                            if r.header("Content-Encoding") != "gzip" || decoded != mid { bad += 1 }
                        default:
                            if try c.request(path: "/ret?i=\(client)-\(i)").bodyString != "ret \(client)-\(i)\n" { bad += 1 }
                        }
                    }
                    return bad
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test func clientsLeavingMidResponseDoNotHurtTheServer() throws {
        let s = try s
        for encoding in ["gzip", "identity"] {
            for _ in 0..<5 {
                let c = try s.client()
                try c.send("GET /big.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: \(encoding)\r\n\r\n")
                usleep(20_000)
                c.close()
            }
        }
        let r = try s.get("/big.txt", [("Accept-Encoding", "gzip")])
        #expect(try gunzip(r.body) == Array(bigText.utf8))
        #expect(try s.get("/small.txt").bodyString == "small body\n")
        #expect(s.server.isRunning)
    }

    @Test func pipelinedMixOfLargeAndSmallStaysInOrder() throws {
        let s = try s
        let c = try s.client(timeout: .seconds(20))
        var batch = ""
        for i in 0..<10 {
            batch += i % 2 == 0 ? "GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n" : "GET /ret?i=\(i) HTTP/1.1\r\nHost: x\r\n\r\n"
        }
        try c.send(batch)
        for i in 0..<10 {
            let r = try c.readResponse()
            if i % 2 == 0 {
                #expect(r.body.count == bigText.utf8.count)
            } else {
                #expect(r.bodyString == "ret \(i)\n")
            }
        }
    }
}
