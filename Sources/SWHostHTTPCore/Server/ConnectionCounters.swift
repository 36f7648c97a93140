// swhost: HTTP transport.

import Synchronization

/// nginx `stub_status` counters for one process, updated with atomics from every event loop.
public final class ConnectionCounters: Sendable {
    private let _accepts = Atomic<Int>(0)
    private let _handled = Atomic<Int>(0)
    private let _requests = Atomic<Int>(0)
    private let _reading = Atomic<Int>(0)
    private let _writing = Atomic<Int>(0)
    private let _waiting = Atomic<Int>(0)
    private let nextID = Atomic<UInt64>(0)

    public init() {}

    /// A snapshot, as `stub_status` prints it.
    public struct Snapshot: Sendable, Hashable {
        public var active: Int
        public var accepts: Int
        public var handled: Int
        public var requests: Int
        public var reading: Int
        public var writing: Int
        public var waiting: Int
    }

    public var snapshot: Snapshot {
        let r = _reading.load(ordering: .relaxed), w = _writing.load(ordering: .relaxed), i = _waiting.load(ordering: .relaxed)
        return Snapshot(
            active: r + w + i, accepts: _accepts.load(ordering: .relaxed), handled: _handled.load(ordering: .relaxed),
            requests: _requests.load(ordering: .relaxed), reading: r, writing: w, waiting: i
        )
    }

    /// The phase a connection is counted in.
    enum Phase { case none, reading, writing, waiting }

    /// A new accepted connection; returns its `$connection` number.
    func accepted() -> UInt64 {
        _accepts.add(1, ordering: .relaxed)
        _handled.add(1, ordering: .relaxed)
        return nextID.add(1, ordering: .relaxed).newValue
    }

    func requestStarted() { _requests.add(1, ordering: .relaxed) }

    func move(from old: Phase, to new: Phase) {
        guard old != new else { return }
        adjust(old, by: -1)
        adjust(new, by: 1)
    }

    private func adjust(_ p: Phase, by delta: Int) {
        switch p {
        case .none: break
        case .reading: _reading.add(delta, ordering: .relaxed)
        case .writing: _writing.add(delta, ordering: .relaxed)
        case .waiting: _waiting.add(delta, ordering: .relaxed)
        }
    }
}
