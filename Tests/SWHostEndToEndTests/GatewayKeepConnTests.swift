// fastcgi_keep_conn against real php-fpm: the connections to its socket are observed with `ss`
// (php-fpm's status page counts requests, not connections).

import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct GatewayKeepConnTests {
    private func withPHP(_ body: (GatewayFixture) throws -> Void) throws {
        let fixture = try GatewayFixture(extraServer: """
            location ^~ /kept/ {
                fastcgi_pass unix:PHPSOCK;
                fastcgi_keep_conn on;
                include /etc/nginx/fastcgi_params;
                fastcgi_split_path_info ^/kept(/.+\\.php)(.*)$;
                fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            }
            """.replacingOccurrences(of: "PHPSOCK", with: "RUNDIR/php.sock")) { f in
            let site = f.prefix.read("sites-enabled/site").replacingOccurrences(of: "RUNDIR/php.sock", with: f.prefix.path("run/php.sock"))
            _ = try f.prefix.write("sites-enabled/site", site)
            try f.startPHPFPM()
        }
        defer { fixture.tearDown() }
        try body(fixture)
    }

    /// The client-side inodes of the connections open to php-fpm's socket now (`ss -x`: the
    /// listener's accepted sockets have the socket path as local address and swhost's end as peer).
    func openConnections(_ f: GatewayFixture) throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ss")
        process.arguments = ["-x", "-H", "state", "established"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let path = f.prefix.path("run/php.sock")
        var peers: Set<String> = []
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let at = fields.firstIndex(where: { $0 == path }), at + 3 < fields.count else { continue }
            peers.insert(String(fields[at + 3]))
        }
        return peers
    }

    @Test func keepConnOnReusesOneConnectionToPHPFPM() throws {
        try withPHP { f in
            var seen: Set<String> = []
            for n in 0..<10 {
                let r = try f.client().request(method: "POST", path: "/kept/info.php?n=\(n)",
                                               headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Connection", "close")],
                                               body: Array("n=\(n)".utf8))
                #expect(r.status == 200)
                #expect(r.bodyString.contains(#"post={"n":"\#(n)"}"#))
                let open = try openConnections(f)
                #expect(open.count == 1, "open connections after request \(n): \(open)")
                seen.formUnion(open)
            }
            #expect(seen.count == 1, "ten sequential requests used \(seen.count) connections")
        }
    }

    @Test func keepConnOffClosesEachConnection() throws {
        try withPHP { f in
            for _ in 0..<3 {
                let r = try f.get("/info.php")
                #expect(r.status == 200)
                #expect(eventually { (try? openConnections(f))?.isEmpty == true })
            }
        }
    }
}
