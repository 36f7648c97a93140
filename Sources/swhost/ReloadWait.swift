// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostProcess

/// `swhost -s reload` against a master: wait (up to 10 s) for the master to report the outcome
/// of this reload. Exit 0 when the new generation started; exit 1 with the master's `[emerg]`
/// line when it refused the configuration (the old workers keep serving).
enum ReloadWait {
    static func outcome(after before: ReloadStatus, pidPath: String, console: Console) -> Int32 {
        let path = ReloadStatus.path(pidPath: pidPath)
        for _ in 0..<1000 {
            if let now = ReloadStatus.read(from: path), now.attempt > before.attempt {
                if now.succeeded { return 0 }
                console.report(ConfigDiagnostic(.emerg, now.message))
                return 1
            }
            usleep(10_000)
        }
        console.say("[alert] the master did not report the reload's outcome within 10 seconds")
        return 1
    }
}
