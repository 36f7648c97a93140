// swhost: CGI and FastCGI gateways.

import CEpoll

/// One of a CGI script's descriptors in the reactor's set: forwards its events to the exchange.
/// The reactor holds the watches (by token); each holds its exchange, so an exchange lives until
/// its last descriptor is closed and its process reaped.
final class CGIPipeWatch: GatewayReactorClient {
    enum Pipe: Sendable { case stdin, stdout, stderr, exit }

    /// Events after which a pipe has nothing more to give than what is in it.
    static let hangupEvents: UInt32 = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue

    let exchange: CGIExchange
    let pipe: Pipe

    init(_ exchange: CGIExchange, _ pipe: Pipe) {
        self.exchange = exchange
        self.pipe = pipe
    }

    func handle(events: UInt32) -> Bool {
        exchange.handle(pipe, events: events)
        return true
    }

    func checkDeadline(now: UInt64) {
        exchange.checkDeadline(now: now)
    }
}
