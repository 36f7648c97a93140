// End-to-end: libxml2 and libcrypto are loaded by a worker only when a request needs them
// (CLazyLibraries), and work once loaded. Read from the worker's /proc/PID/maps.

import Foundation
import SWHostTesting
import Testing

private let lazyServer = SharedServer {
    try E2EServer(
        name: "lazylibs",
        http: """
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location /list/ { autoindex on; autoindex_format xml; }
                location /private/ { auth_basic "lazy"; auth_basic_user_file htpasswd; }
            }
            """,
        files: ["www/list/a.txt": "a\n", "www/private/p.txt": "secret\n", "www/plain.txt": "plain\n"],
        setup: { prefix in
            // {SHA}: base64(SHA-1("lazy-secret")), checked with libcrypto's SHA-1.
            try prefix.write("etc/htpasswd", "lazy:{SHA}RdQXQ9u9DlxYJ0z3wTeMprXEjDY=\n")
        })
}

@Suite(.serialized) struct LazyLibraryTests {
    var s: E2EServer { get throws { try lazyServer.get() } }

    /// The shared objects mapped into the (single) worker.
    func workerMappings() throws -> String {
        let server = try s
        let workers = ProcessTable.children(of: server.server.pid)
        let worker = try #require(workers.first, "no worker process")
        return try String(contentsOfFile: "/proc/\(worker)/maps", encoding: .utf8)
    }

    @Test(.disabled(if: E2EServer.againstNginx, "swhost's process layout"))
    func librariesLoadOnTheFirstRequestThatNeedsThem() throws {
        let server = try s
        #expect(try server.get("/plain.txt").status == 200)
        var maps = try workerMappings()
        #expect(!maps.contains("libxml2"), "libxml2 mapped before any xml autoindex")
        #expect(!maps.contains("libcrypto"), "libcrypto mapped before any legacy htpasswd hash")

        let list = try server.get("/list/")
        #expect(list.status == 200)
        #expect(list.header("Content-Type")?.hasPrefix("text/xml") == true)
        #expect(list.bodyString.contains(">a.txt</file>"))
        maps = try workerMappings()
        #expect(maps.contains("libxml2"))
        #expect(!maps.contains("libcrypto"))

        let denied = try server.get("/private/p.txt", [("Authorization", "Basic bGF6eTp3cm9uZw==")])
        #expect(denied.status == 401)
        let allowed = try server.get("/private/p.txt", [("Authorization", "Basic bGF6eTpsYXp5LXNlY3JldA==")])
        #expect(allowed.status == 200)
        #expect(allowed.bodyString == "secret\n")
        #expect(try workerMappings().contains("libcrypto"))
    }
}
