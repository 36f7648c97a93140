// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import CSWHostSystem
import Synchronization

/// Something the reactor watches: a FastCGI exchange, an idle kept connection, or one of a CGI
/// script's descriptors.
protocol GatewayReactorClient: AnyObject, Sendable {
    /// Handles the epoll `events` of the client's socket. Returns false when the client no
    /// longer owns the socket's token (a kept connection handed to a new exchange): the reactor
    /// then gives the events to the current owner.
    func handle(events: UInt32) -> Bool
    /// Called about every `GatewayReactor.tick` with the monotonic time in nanoseconds: a client
    /// whose deadline passed fails its waiter (or closes, when idle).
    func checkDeadline(now: UInt64)
}

/// One thread per process (`swhost-gateway`) that waits, with an epoll set of its own, for the FastCGI upstream
/// sockets and the CGI scripts' pipes and pidfds (`CGIExchange`), outside NIO: an upstream connection costs a `socket`, a `connect`, one `epoll_ctl`
/// and a `close`, like nginx's, instead of a NIO channel (bootstrap, pipeline, promises,
/// registration) per request. Sockets are registered edge-triggered for reading and writing
/// once; whoever holds a client's lock may read or write its socket (the reactor on an event, a
/// body reader wanting more), always until EAGAIN, so no edge is lost. The reactor hands a
/// finished response head to the request's event loop with one `execute`.
///
/// Every registration has a token (never reused) as its epoll data, so an event that races a
/// close finds no client instead of a new socket that reused the descriptor.
///
/// `@unchecked Sendable`: `epollFD` and `wakeFD` are immutable after `init`; the registry is
/// behind a `Mutex`.
final class GatewayReactor: @unchecked Sendable {
    /// The reactor of this process, started on first use.
    static let shared = GatewayReactor()

    /// How often deadlines are checked while any client is registered.
    static let tickMilliseconds: Int32 = 100
    static let tick = UInt64(tickMilliseconds) * 1_000_000

    private struct Registry {
        var clients: [UInt64: any GatewayReactorClient] = [:]
        var nextToken: UInt64 = 1
        /// The reactor is about to block without a timeout: a first registration wakes it.
        var sleepingForever = false
        /// Deadlines sooner than a tick (`schedule`), and when the reactor's wait ends (0: it
        /// is not waiting), so that an earlier one wakes it.
        var soon: [(deadline: UInt64, client: any GatewayReactorClient)] = []
        var waitingUntil: UInt64 = 0
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let registry = Mutex(Registry())

    private init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        precondition(epollFD >= 0 && wakeFD >= 0, "epoll_create1/eventfd failed: \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = 0
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let reactor = Unmanaged<GatewayReactor>.fromOpaque(raw!).takeRetainedValue()
            reactor.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
    }

    /// A token for `client`, before its socket is added (`add`): the client knows its token
    /// before any event can reach it.
    func reserve(_ client: any GatewayReactorClient) -> UInt64 {
        let (token, wake) = registry.withLock { r -> (UInt64, Bool) in
            let token = r.nextToken
            r.nextToken &+= 1
            r.clients[token] = client
            let wake = r.sleepingForever
            r.sleepingForever = false
            return (token, wake)
        }
        // Deadlines are checked only while the reactor wakes up on ticks.
        if wake { wakeUp() }
        return token
    }

    /// Adds `fd` under `token`, edge-triggered, for reading and, when `writable`, writing
    /// (only while request bytes wait: an always-writable socket would cost a wakeup per
    /// request). False when epoll refuses it (the caller closes the socket and `remove`s the token).
    func add(_ fd: Int32, _ token: UInt64, writable: Bool) -> Bool {
        var event = Self.event(token, writable: writable)
        return epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0
    }

    /// Changes the interest of `fd`; epoll re-checks readiness, so a socket readable now gets an
    /// event (a reader that paused short of EAGAIN resumes on the reactor, which keeps the
    /// response buffers allocated on one thread).
    func modify(_ fd: Int32, _ token: UInt64, writable: Bool) {
        var event = Self.event(token, writable: writable)
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    private static func event(_ token: UInt64, writable: Bool) -> epoll_event {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u64 = token
        return event
    }

    /// Gives the token's events to `client` from now on (a kept connection changing hands).
    func reassign(_ token: UInt64, to client: any GatewayReactorClient) {
        registry.withLock { $0.clients[token] = client }
    }

    /// Forgets the token (call when its socket is closed or about to be).
    func remove(_ token: UInt64) {
        registry.withLock { _ = $0.clients.removeValue(forKey: token) }
    }

    /// Calls `client.checkDeadline` at about `deadline` (monotonic nanoseconds, to the
    /// millisecond), for a wait shorter than a tick (a CGI head held briefly for the end of the
    /// output).
    func schedule(_ client: any GatewayReactorClient, at deadline: UInt64) {
        let wake = registry.withLock { r -> Bool in
            r.soon.append((deadline, client))
            let wake = r.waitingUntil != 0 && deadline < r.waitingUntil
            if wake { r.waitingUntil = 0 }
            r.sleepingForever = false
            return wake
        }
        if wake { wakeUp() }
    }

    private func wakeUp() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run() {
        // PR_SET_NAME names the calling thread (for top -H and perf).
        _ = swhost_set_process_name("swhost-gateway")
        let capacity: Int32 = 64
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        var nextCheck: UInt64 = 0
        while true {
            let timeout = registry.withLock { r -> Int32 in
                let now = FastCGISocket.now()
                r.sleepingForever = r.clients.isEmpty && r.soon.isEmpty
                if r.sleepingForever {
                    r.waitingUntil = .max
                    return -1
                }
                var milliseconds = Self.tickMilliseconds
                for entry in r.soon {
                    let left = entry.deadline > now ? Int32(min((entry.deadline - now + 999_999) / 1_000_000, UInt64(Self.tickMilliseconds))) : 0
                    milliseconds = min(milliseconds, left)
                }
                r.waitingUntil = now + UInt64(milliseconds) * 1_000_000
                return milliseconds
            }
            let n = epoll_wait(epollFD, events, capacity, timeout)
            registry.withLock { $0.waitingUntil = 0 }
            if n > 0 {
                for i in 0..<Int(n) {
                    let token = events[i].data.u64
                    if token == 0 {
                        var value: UInt64 = 0
                        _ = read(wakeFD, &value, 8)
                        continue
                    }
                    dispatch(token, events[i].events)
                }
            }
            let now = FastCGISocket.now()
            let due = registry.withLock { r -> [any GatewayReactorClient] in
                guard !r.soon.isEmpty else { return [] }
                var due: [any GatewayReactorClient] = []
                r.soon.removeAll { entry in
                    guard entry.deadline <= now else { return false }
                    due.append(entry.client)
                    return true
                }
                return due
            }
            for client in due { client.checkDeadline(now: now) }
            if now >= nextCheck {
                nextCheck = now + Self.tick
                let clients = registry.withLock { r in r.clients.isEmpty ? [] : Array(r.clients.values) }
                for client in clients { client.checkDeadline(now: now) }
            }
        }
    }

    private func dispatch(_ token: UInt64, _ events: UInt32) {
        var previous: (any GatewayReactorClient)?
        while let client = registry.withLock({ $0.clients[token] }) {
            if let previous, previous === client { return }
            if client.handle(events: events) { return }
            previous = client
        }
    }
}
