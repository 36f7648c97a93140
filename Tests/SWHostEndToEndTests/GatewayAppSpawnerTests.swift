// The fastcgi_app spawner end to end: php-cgi started and supervised by swhost's master.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct GatewayAppSpawnerTests {
    static let phpCGI = "/usr/bin/php-cgi"

    /// `fastcgi_app php` (in its own file, so a test can rewrite it and reload) and a location
    /// `/app/NAME.php` passing to it.
    static func appBlock(processes: Int, extra: String = "") -> String {
        """
        fastcgi_app php {
            command \(phpCGI) -d upload_max_filesize=10M -d post_max_size=10M;
            processes \(processes);
            env PHP_FCGI_MAX_REQUESTS=0;
            \(extra)
        }

        """
    }

    static let location = """
        location ^~ /app/ {
            fastcgi_pass php;
            include /etc/nginx/fastcgi_params;
            fastcgi_split_path_info ^/app(/.+\\.php)(.*)$;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            fastcgi_read_timeout 2s;
            client_max_body_size 20m;
        }
        """

    private func withSpawnedPHP(processes: Int = 2, singleProcess: Bool = false, user: String? = nil,
                                _ body: (GatewayFixture) throws -> Void) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.phpCGI), "php-cgi is not installed (scripts/install-deps --test)")
        let fixture = try GatewayFixture(extraServer: Self.location) { f in
            _ = try f.prefix.write("sites-enabled/apps", Self.appBlock(processes: processes))
            var main = CLIConfig.main(errorLogLevel: "info")
            if singleProcess { main = "master_process off;\n" + main }
            if let user { main = "user \(user);\n" + main }
            _ = try f.prefix.write("etc/swhost.conf", main)
        }
        defer { fixture.tearDown() }
        try #require(eventually { appPIDs(fixture).count == processes }, "php-cgi processes did not start: \(fixture.errorLog)")
        try body(fixture)
    }

    /// The master's php-cgi children (the launcher has exec'd into php-cgi).
    func appPIDs(_ f: GatewayFixture) -> Set<pid_t> {
        ProcessTable.children(of: f.server.pid).filter { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("php-cgi") == true
        }
    }

    /// Running and not a zombie (an orphan's zombie may linger when nothing reaps as pid 1).
    func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }

    @Test func spawnedPHPSeesServerGetAndPost() throws {
        try withSpawnedPHP { f in
            let get = try f.get("/app/info.php?x=1&y=zz", headers: [("Cookie", "session=abc")])
            #expect(get.status == 200)
            #expect(get.bodyString.contains("method=GET\n"))
            #expect(get.bodyString.contains("script=/info.php\n"))
            #expect(get.bodyString.contains("uri=/app/info.php?x=1&y=zz\n"))
            #expect(get.bodyString.contains(#"get={"x":"1","y":"zz"}"#))
            #expect(get.bodyString.contains(#"cookie={"session":"abc"}"#))
            let post = try f.client().request(method: "POST", path: "/app/info.php",
                                              headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Connection", "close")],
                                              body: Array("a=1&b=hello+world".utf8))
            #expect(post.status == 200)
            #expect(post.bodyString.contains(#"post={"a":"1","b":"hello world"}"#))
            // The socket belongs to the master and sits at the default path.
            var info = stat()
            #expect(lstat(f.prefix.path("run/fastcgi-php.sock"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK)
        }
    }

    @Test func spawnedPHPStatusLocationAndReadTimeout() throws {
        try withSpawnedPHP { f in
            let notFound = try f.get("/app/notfound.php")
            #expect(notFound.status == 404)
            #expect(notFound.bodyString == "custom not found\n")
            let moved = try f.get("/app/location.php")
            #expect(moved.status == 302)
            #expect(moved.headers["Location"] == "http://127.0.0.1:\(f.port)/x")
            let start = ContinuousClock.now
            let slow = try f.get("/app/slow.php")
            #expect(slow.status == 504)
            #expect(ContinuousClock.now - start < .seconds(8))
        }
    }

    @Test func aKilledAppProcessIsRestartedAndTheNextRequestSucceeds() throws {
        try withSpawnedPHP(processes: 1) { f in
            let before = appPIDs(f)
            for pid in before { kill(pid, SIGKILL) }
            // No other process serves meanwhile: a 200 proves the spawner started a new one.
            #expect(eventually(timeout: .seconds(5)) { (try? f.get("/app/info.php"))?.status == 200 })
            let after = appPIDs(f)
            #expect(after.count == 1 && after.isDisjoint(with: before))
            #expect(f.errorLog.contains("[alert]") && f.errorLog.contains("exited on signal 9"))
        }
    }

    @Test func reloadKeepsAnUnchangedAppAndReplacesAChangedOne() throws {
        try withSpawnedPHP(processes: 2) { f in
            let first = appPIDs(f)
            f.server.signal(SIGHUP)
            #expect(eventually { f.errorLog.contains("reconfiguring: generation 2") })
            #expect(eventually { (try? f.get("/app/info.php"))?.status == 200 })
            #expect(appPIDs(f) == first)

            _ = try f.prefix.write("sites-enabled/apps", Self.appBlock(processes: 3))
            f.server.signal(SIGHUP)
            #expect(eventually { f.errorLog.contains("reconfiguring: generation 3") })
            #expect(eventually { let now = appPIDs(f); return now.count == 3 && now.isDisjoint(with: first) })
            #expect(try f.get("/app/info.php").status == 200)
        }
    }

    @Test func stopLeavesNoAppProcessAndRemovesTheSocket() throws {
        try withSpawnedPHP { f in
            let pids = appPIDs(f)
            let served = try f.get("/app/info.php")
            #expect(served.status == 200)
            let status = f.server.stop()
            #expect(status == 0)
            for pid in pids { #expect(!isAlive(pid), "php-cgi \(pid) outlived the master") }
            #expect(access(f.prefix.path("run/fastcgi-php.sock"), F_OK) != 0)
        }
    }

    @Test func masterDeathTakesTheAppsWithIt() throws {
        try withSpawnedPHP(processes: 1) { f in
            let pids = appPIDs(f)
            f.server.signal(SIGKILL)
            _ = f.server.waitForExit(timeout: .seconds(5))
            #expect(eventually { !pids.contains(where: isAlive) })
        }
    }

    @Test func singleProcessModeSupervisesTheAppsItself() throws {
        try withSpawnedPHP(processes: 1, singleProcess: true) { f in
            let before = appPIDs(f)
            let first = try f.get("/app/info.php?x=1")
            #expect(first.bodyString.contains(#"get={"x":"1"}"#))
            for pid in before { kill(pid, SIGKILL) }
            #expect(eventually(timeout: .seconds(5)) { (try? f.get("/app/info.php"))?.status == 200 })
            let after = appPIDs(f)
            #expect(after.count == 1 && after.isDisjoint(with: before))
            // CGI keeps working beside the app supervision (it reaps its own children).
            let script = try f.get("/cgi-bin/shell.sh?k=v")
            #expect(script.status == 202 && script.bodyString == "query=k=v\n")
            let status = f.server.stop()
            #expect(status == 0)
            for pid in after { #expect(!isAlive(pid)) }
            #expect(access(f.prefix.path("run/fastcgi-php.sock"), F_OK) != 0)
        }
    }

    @Test func spawnedFcgiwrapRunsTheSameScriptsAsTheNativeBridge() throws {
        try #require(FileManager.default.isExecutableFile(atPath: GatewayPeers.fcgiwrap), "fcgiwrap is not installed (scripts/install-deps --test)")
        let f = try GatewayFixture(extraServer: """
            location /spawned/ {
                fastcgi_pass wrap;
                include /etc/nginx/fastcgi_params;
                fastcgi_split_path_info ^(/spawned)(/.+)$;
                fastcgi_param SCRIPT_FILENAME $document_root/cgi-bin$fastcgi_path_info;
                fastcgi_param SCRIPT_NAME /cgi-bin$fastcgi_path_info;
            }
            """) { f in
            // No -s: fcgiwrap serves the socket it finds on descriptor 0.
            _ = try f.prefix.write("sites-enabled/apps", "fastcgi_app wrap { command \(GatewayPeers.fcgiwrap) -c 2; }\n")
        }
        defer { f.tearDown() }
        let native = try f.get("/cgi-bin/shell.sh?k=v")
        #expect(eventually { (try? f.get("/spawned/shell.sh?k=v"))?.status == native.status })
        let wrapped = try f.get("/spawned/shell.sh?k=v")
        #expect(wrapped.bodyString == native.bodyString && wrapped.headers["X-Shell"] == "yes")
    }

    @Test func appProcessesRunAsTheWorkerUserAndOwnTheirSocket() throws {
        try #require(geteuid() == 0, "needs root to change user")
        let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
        try withSpawnedPHP(processes: 1, user: "nobody nogroup") { f in
            // The prefix must be traversable by nobody for the scripts to be read.
            chmod(f.prefix.path(""), 0o755)
            for pid in appPIDs(f) {
                let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
                let uid = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(separator: "\t")[1]
                #expect(uid.map(String.init) == String(nobody), "php-cgi \(pid): \(status.prefix(300))")
            }
            var info = stat()
            #expect(lstat(f.prefix.path("run/fastcgi-php.sock"), &info) == 0 && info.st_uid == nobody)
            let r = try f.get("/app/info.php?x=1")
            #expect(r.status == 200 && r.bodyString.contains(#"get={"x":"1"}"#), "\(r.status) \(r.bodyString)")
        }
    }
}
