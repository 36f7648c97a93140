// swhost: process model.

import CSWHostSystem

/// A child's `waitpid` status, decoded (the W* macros are not imported into Swift).
public enum WaitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public init(raw: Int32) {
        if swhost_wifexited(raw) != 0 {
            self = .exited(swhost_wexitstatus(raw))
        } else {
            self = .signaled(swhost_wtermsig(raw))
        }
    }

    /// nginx's wording after `worker process PID`: `exited with code 1`, `exited on signal 9`.
    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal): "exited on signal \(signal)"
        }
    }

    /// A clean exit (graceful stop, recycling).
    public var isSuccess: Bool { self == .exited(0) }
}
