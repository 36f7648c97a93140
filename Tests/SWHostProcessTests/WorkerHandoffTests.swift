// Tests for SWHostProcess: the master-to-worker handoff, wait-status wording, listen sockets.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostProcess
import Testing

@Suite struct WorkerHandoffTests {
    @Test func environmentRoundTripsEveryListener() {
        let handoff = WorkerHandoff(
            descriptors: ["127.0.0.1:8080": 3, "[::]:8080": 4, "unix:/tmp/a b.sock": 5],
            masterPID: 4242, slot: 2, generation: 7, configDescriptor: 6
        )
        for sent in [handoff, WorkerHandoff(descriptors: ["0.0.0.0:80": 3], masterPID: 1, slot: 0, generation: 1)] {
            var table: [String: String] = [:]
            for entry in sent.environment {
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                table[String(parts[0])] = String(parts[1])
            }
            #expect(WorkerHandoff.decode { table[$0] } == sent)
        }
    }

    @Test func missingListenerListIsNotAHandoff() {
        #expect(WorkerHandoff.decode { $0 == WorkerHandoff.masterVariable ? "1" : nil } == nil)
    }

    @Test func inheritedMapsKeysAndReportsTheOnesNotPassed() {
        let handoff = WorkerHandoff(descriptors: ["127.0.0.1:8080": 3], masterPID: 1, slot: 0, generation: 1)
        let result = handoff.inherited(for: [.ipv4("127.0.0.1", port: 8080), .ipv6("::1", port: 8080)])
        #expect(result.inherited == [.ipv4("127.0.0.1", port: 8080): 3])
        #expect(result.missing == [.ipv6("::1", port: 8080)])
    }
}

@Suite struct WaitStatusTests {
    /// nginx: `worker process 1234 exited on signal 9`, `worker process 1234 exited with code 1`.
    @Test(arguments: [(Int32(9), "exited on signal 9"), (Int32(0x0100), "exited with code 1"), (Int32(0), "exited with code 0")])
    func decodesLikeTheWMacros(raw: Int32, text: String) {
        #expect(WaitStatus(raw: raw).description == text)
    }

    @Test func onlyExitZeroIsSuccess() {
        #expect(WaitStatus(raw: 0).isSuccess)
        #expect(!WaitStatus(raw: 9).isSuccess)
        #expect(!WaitStatus(raw: 0x0200).isSuccess)
    }
}

@Suite struct ListenSocketTests {
    private func boundPort(_ fd: Int32) -> Int {
        var addr = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test func reusePortSocketsShareAnAddressButAPlainBindIsRefused() throws {
        let first = try ListenSocket.open(.ipv4("127.0.0.1", port: 0), backlog: 16, reusePort: true)
        defer { close(first) }
        let port = boundPort(first)
        #expect(first >= 64)
        let second = try ListenSocket.open(.ipv4("127.0.0.1", port: port), backlog: 16, reusePort: true)
        close(second)
        // A second master (or anything else) on the port: nginx's EADDRINUSE line.
        let error = #expect(throws: ListenSocketError.self) {
            try ListenSocket.checkAvailable(.ipv4("127.0.0.1", port: port))
        }
        #expect(error?.description == "bind() to 127.0.0.1:\(port) failed (98: Address already in use)")
    }

    @Test func unixListenerReplacesAStaleSocketFile() throws {
        let path = "/tmp/swhost-process-test-\(getpid()).sock"
        let first = try ListenSocket.open(.unix(path), backlog: 4, reusePort: false)
        close(first)
        let second = try ListenSocket.open(.unix(path), backlog: 4, reusePort: false)
        close(second)
        unlink(path)
    }
}

@Suite struct ConfigSnapshotTests {
    @Test func parsedConfigurationRoundTripsWithLocationsAndQuoting() throws {
        let text = """
            worker_processes 2;
            http {
                server {
                    listen 127.0.0.1:8080;
                    location / { return 200 "a b;{}"; }
                }
            }

            """
        let directives = try ConfigParser.parse(text: text, fileName: "/etc/swhost/swhost.conf")
        let bytes = ConfigSnapshot.encode(directives)
        #expect(ConfigSnapshot.decode(bytes) == directives)
        // Truncated or foreign bytes are refused, not half-read.
        #expect(ConfigSnapshot.decode(Array(bytes.dropLast())) == nil)
        #expect(ConfigSnapshot.decode(Array("worker_processes 2;".utf8)) == nil)
    }

    @Test func anonymousFileHoldsTheBytesAndHasNoName() throws {
        let bytes = ConfigSnapshot.encode([ConfigDirective(name: "daemon", arguments: [], block: nil, location: SourceLocation(file: "x", line: 1))])
        let fd = try #require(ConfigSnapshot.anonymousFile(bytes))
        defer { close(fd) }
        #expect(fd >= 64)
        #expect(ConfigSnapshot.read(descriptor: fd) == bytes)
        var info = stat()
        #expect(fstat(fd, &info) == 0 && info.st_nlink == 0)
    }
}

@Suite struct ReloadStatusTests {
    @Test func roundTripsThroughItsFile() {
        let path = "/tmp/swhost-reload-status-\(getpid())"
        defer { unlink(path) }
        let refused = ReloadStatus(attempt: 3, generation: 2, succeeded: false, message: "unknown directive \"x\" in /a b/c.conf:9")
        refused.write(to: path)
        #expect(ReloadStatus.read(from: path) == refused)
        let accepted = ReloadStatus(attempt: 4, generation: 3, succeeded: true)
        accepted.write(to: path)
        #expect(ReloadStatus.read(from: path) == accepted)
        #expect(ReloadStatus.read(from: path + ".missing") == nil)
    }
}

@Suite struct VirtualHostInventoryTests {
    private func inventory(_ text: String) throws -> VirtualHostInventory {
        VirtualHostInventory(directives: try ConfigParser.parse(text: text, fileName: "/x/swhost.conf"))
    }

    @Test func reportsAddedRemovedAndChangedServersIgnoringLineMoves() throws {
        let old = try inventory("""
            http {
                server { listen 80; server_name a.example; return 200 "a"; }
                server { listen 80; server_name b.example; return 200 "b"; }
                server { listen 80; server_name c.example; return 200 "c"; }
            }
            """)
        let new = try inventory("""
            http {

                server { listen 80; server_name a.example; return 200 "a"; }
                server { listen 80; server_name b.example; return 200 "b2"; }
                server { listen 80; server_name d.example; return 200 "d"; }
            }
            """)
        let changes = new.changes(since: old)
        #expect(changes.added == ["d.example [80]"])
        #expect(changes.removed == ["c.example [80]"])
        #expect(changes.changed == ["b.example [80]"])
    }
}
