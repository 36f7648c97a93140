// swhost: request processing.

import NIOConcurrencyHelpers
import SWHostHTTPCore

/// A responder whose configuration generation can be replaced while connections stay open:
/// requests that start after `replace` see the new generation, requests in flight finish on the
/// old one (they hold their own reference).
public final class SwappableResponder: HTTPResponder {
    private let current: NIOLockedValueBox<RequestProcessor>

    public init(_ processor: RequestProcessor) {
        self.current = NIOLockedValueBox(processor)
    }

    public var processor: RequestProcessor { current.withLockedValue { $0 } }

    public func replace(with processor: RequestProcessor) {
        current.withLockedValue { $0 = processor }
    }

    public func respond(to request: HTTPRequest, writer: ResponseWriter) {
        current.withLockedValue { $0 }.respond(to: request, writer: writer)
    }
}
