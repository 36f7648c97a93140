// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif

/// Signal sets for the controllers that block their signals at start-up and take them with
/// `sigwait` later (the single-process server and each worker).
enum SignalSet {
    static func make(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        return set
    }

    /// Blocks `signals` in the calling thread and every thread it starts afterwards, so they stay
    /// pending until taken. (Not `SIG_IGN`: that would discard a pending signal.)
    static func block(_ signals: [Int32]) {
        var set = make(signals)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }
}
