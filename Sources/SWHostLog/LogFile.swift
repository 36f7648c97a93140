// swhost: SWHostLog.

import Glibc
import SWHostConfig
import Synchronization

/// An append-only log file written in whole lines, shared by every thread of a process.
///
/// The file is opened `O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC` with mode 0644, so several worker
/// processes can write the same path: each `write(2)` of a line (or of a buffer of whole lines)
/// lands atomically at the end of the file.
///
/// **Buffering** (`access_log ... buffer=SIZE flush=TIME`): with `bufferSize > 0` lines collect in
/// memory and go out in one `write(2)` when the next line would not fit, when the oldest buffered
/// line is older than `flushInterval`, on `flush()`, `reopen()` and `close()`. There is no thread:
/// the age check runs on every `write`, and the owner (a worker's event loop) calls
/// `flushIfDue()` from a periodic timer so an idle server still flushes. A line longer than the
/// buffer is written directly, after what was buffered.
///
/// **Reopen** (SIGUSR1, logrotate): `reopen()` flushes, opens the path anew and swaps descriptors,
/// so lines written before go to the renamed file and lines after to the new one.
public final class LogFile: Sendable {
    /// The file's path; `nil` for a wrapped descriptor such as standard error (never reopened).
    public let path: String?
    /// The path, or a name for a wrapped descriptor (`stderr`), for messages.
    public let name: String
    /// Bytes collected before a write; 0 writes every line at once.
    public let bufferSize: Int
    /// The longest a line may wait in the buffer; `nil` waits until the buffer fills.
    public let flushInterval: Duration?

    private struct State {
        var fd: Int32
        var buffer: [UInt8]
        /// Monotonic nanoseconds when the oldest buffered line arrived.
        var oldestLineAt: UInt64
        var closed: Bool
    }

    private let state: Mutex<State>

    /// Opens (creating if needed) `path` for appending.
    /// - Throws: `FileOpenError` when `open(2)` fails.
    public init(path: String, bufferSize: Int = 0, flushInterval: Duration? = nil) throws(FileOpenError) {
        let fd = try Self.open(path)
        self.path = path
        self.name = path
        self.bufferSize = max(0, bufferSize)
        self.flushInterval = flushInterval
        var buffer: [UInt8] = []
        buffer.reserveCapacity(self.bufferSize)
        self.state = Mutex(State(fd: fd, buffer: buffer, oldestLineAt: 0, closed: false))
    }

    /// Wraps an already open descriptor, unbuffered (`close()` leaves 0, 1 and 2 open).
    public init(descriptor: Int32, name: String) {
        self.path = nil
        self.name = name
        self.bufferSize = 0
        self.flushInterval = nil
        self.state = Mutex(State(fd: descriptor, buffer: [], oldestLineAt: 0, closed: false))
    }

    /// Standard error, unbuffered (`error_log stderr`).
    public static let standardError = LogFile(descriptor: 2, name: "stderr")

    /// True when this is the shared standard error.
    public var isStandardError: Bool { self === LogFile.standardError }

    private static func open(_ path: String) throws(FileOpenError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileOpenError(path: path, errno: errno) }
        return fd
    }

    /// Appends one line. `line` must end with `\n`; it is written whole, never split between
    /// two `write(2)` calls unless it is longer than what the kernel accepts at once.
    public func write(_ line: some Collection<UInt8>) {
        let now = flushInterval == nil ? 0 : monotonicNanoseconds()
        state.withLock { state in
            guard !state.closed else { return }
            if bufferSize == 0 {
                line.withContiguousStorageIfAvailable { Self.writeAll(state.fd, $0) }
                    ?? Array(line).withUnsafeBufferPointer { Self.writeAll(state.fd, $0) }
                return
            }
            if state.buffer.count + line.count > bufferSize {
                flushLocked(&state)
            }
            if line.count > bufferSize {
                line.withContiguousStorageIfAvailable { Self.writeAll(state.fd, $0) }
                    ?? Array(line).withUnsafeBufferPointer { Self.writeAll(state.fd, $0) }
                return
            }
            if state.buffer.isEmpty { state.oldestLineAt = now }
            state.buffer.append(contentsOf: line)
            if let interval = flushInterval, now &- state.oldestLineAt >= interval.nanoseconds {
                flushLocked(&state)
            }
        }
    }

    /// Appends one line given as a string (a `\n` is added when missing).
    public func write(line: String) {
        var bytes = Array(line.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        write(bytes)
    }

    /// Writes whatever is buffered.
    public func flush() {
        state.withLock { flushLocked(&$0) }
    }

    /// Writes the buffer when its oldest line has waited `flushInterval`; the timer hook.
    public func flushIfDue() {
        guard let interval = flushInterval else { return }
        let now = monotonicNanoseconds()
        state.withLock { state in
            if !state.buffer.isEmpty, now &- state.oldestLineAt >= interval.nanoseconds {
                flushLocked(&state)
            }
        }
    }

    /// Bytes waiting in the buffer (for tests and diagnostics).
    public var bufferedByteCount: Int {
        state.withLock { $0.buffer.count }
    }

    /// Flushes, opens the path anew and swaps descriptors (logrotate after a rename).
    /// On failure the old descriptor stays in use. A wrapped descriptor (standard error) is left alone.
    public func reopen() throws(FileOpenError) {
        guard let path else { return }
        let newFD = try Self.open(path)
        state.withLock { state in
            if state.closed {
                Glibc.close(newFD)
                return
            }
            flushLocked(&state)
            let old = state.fd
            state.fd = newFD
            Glibc.close(old)
        }
    }

    /// Flushes and closes; later writes are dropped. Standard input, output and error are only
    /// flushed, never closed (`standardError` is shared by the whole process).
    public func close() {
        state.withLock { state in
            guard !state.closed else { return }
            flushLocked(&state)
            if state.fd > 2 {
                state.closed = true
                Glibc.close(state.fd)
            }
        }
    }

    deinit {
        close()
    }

    private func flushLocked(_ state: inout State) {
        guard !state.buffer.isEmpty else { return }
        if !state.closed {
            state.buffer.withUnsafeBufferPointer { Self.writeAll(state.fd, $0) }
        }
        state.buffer.removeAll(keepingCapacity: true)
    }

    /// Writes all of `bytes`, retrying on EINTR and short writes; errors drop the rest
    /// (a log write failure must not take the server down).
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            left -= n
            base += n
        }
    }
}

/// Nanoseconds on the monotonic clock.
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

extension Duration {
    /// The duration in whole nanoseconds (negative clamps to 0).
    var nanoseconds: UInt64 {
        let (s, atto) = components
        if s < 0 { return 0 }
        return UInt64(s) &* 1_000_000_000 &+ UInt64(atto / 1_000_000_000)
    }
}
