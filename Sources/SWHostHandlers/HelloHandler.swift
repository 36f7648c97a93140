// swhost: built-in Swift handlers.

import SWHostKit

/// `swift_handler hello [name=NAME];`: answers `Hello, NAME!` (default `world`) as text/plain.
/// The minimal example `docs/swift-handlers.md` walks through.
public struct HelloHandler: SwiftHandler {
    /// The configured body, encoded once.
    let body: [UInt8]

    /// A handler greeting `name`.
    public init(name: String = "world") {
        self.body = Array("Hello, \(name)!\n".utf8)
    }

    /// Validates the parameters: only `name`, non-empty.
    public static func make(_ parameters: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler {
        try parameters.allowOnly(["name"], handler: "hello")
        let name = parameters["name"] ?? "world"
        guard !name.isEmpty else { throw HandlerConfigError("empty \"name\" value in swift_handler \"hello\"") }
        return HelloHandler(name: name)
    }

    /// Answers the greeting.
    public func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        HandlerResponse(status: 200, contentType: "text/plain", body: .bytes(body))
    }

    /// The greeting is known at once: answered on the event loop, without a task.
    public func immediateResponse(to request: HandlerRequest) -> HandlerResponse? {
        HandlerResponse(status: 200, contentType: "text/plain", body: .bytes(body))
    }
}
