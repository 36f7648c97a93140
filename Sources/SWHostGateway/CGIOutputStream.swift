// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore

/// A CGI script's output after its header block, chunk by chunk as the client takes it.
/// Dropping it before the end kills the script.
final class CGIOutputStream: ResponseBodyStream {
    private let exchange: CGIExchange

    init(exchange: CGIExchange) {
        self.exchange = exchange
    }

    func next() async throws -> ByteBuffer? {
        do {
            return try await exchange.nextStdout()
        } catch {
            if case GatewayError.timedOut = error {
                exchange.stderr("CGI script timed out (\(exchange.readTimeout / 1_000_000) ms) while sending the response body")
            }
            exchange.abandon()
            throw error
        }
    }

    deinit {
        exchange.abandon()
    }
}
