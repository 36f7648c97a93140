// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore

/// A FastCGI response body: STDOUT records after the header block, until END_REQUEST.
/// Dropping it before the end closes the upstream socket.
final class FastCGIOutputStream: ResponseBodyStream {
    private let exchange: FastCGIExchange

    init(exchange: FastCGIExchange) {
        self.exchange = exchange
    }

    func next() async throws -> ByteBuffer? {
        do {
            return try await exchange.nextStdout()
        } catch {
            switch error as? GatewayError {
            case .timedOut?: exchange.stderr("upstream timed out (110: Connection timed out) while reading upstream")
            case let error?: exchange.stderr(error.reason)
            case nil: exchange.stderr("\(error) while reading upstream")
            }
            exchange.close()
            throw error
        }
    }

    deinit {
        exchange.close()
    }
}
