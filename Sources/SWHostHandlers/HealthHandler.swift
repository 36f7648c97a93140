// swhost: built-in Swift handlers.

import SWHostKit

/// `swift_handler health [check=readiness|liveness];`: a JSON health endpoint for load balancers.
///
/// `readiness` (the default) answers 503 `{"status":"draining"}` once the server is shutting down
/// gracefully, so a balancer stops sending new requests while in-flight ones finish; `liveness`
/// answers 200 as long as the process serves requests. Responses are never cached.
public struct HealthHandler: SwiftHandler {
    /// What the endpoint reports.
    public enum Check: String, Sendable {
        /// 503 while draining.
        case readiness
        /// 200 while the process serves requests.
        case liveness
    }

    let check: Check
    let status: ServerStatus

    /// A health endpoint reading `status`.
    public init(check: Check = .readiness, status: ServerStatus = .shared) {
        self.check = check
        self.status = status
    }

    /// Validates the parameters: only `check`, one of `readiness`, `liveness`.
    public static func make(_ parameters: HandlerParameters, status: ServerStatus = .shared) throws(HandlerConfigError) -> any SwiftHandler {
        try parameters.allowOnly(["check"], handler: "health")
        guard let text = parameters["check"] else { return HealthHandler(status: status) }
        guard let check = Check(rawValue: text) else {
            throw HandlerConfigError("invalid \"check\" value \"\(text)\" in swift_handler \"health\" (readiness or liveness)")
        }
        return HealthHandler(check: check, status: status)
    }

    /// Answers the health JSON.
    public func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        respond()
    }

    /// Health is known at once: balancer probes are answered on the event loop, without a task.
    public func immediateResponse(to request: HandlerRequest) -> HandlerResponse? {
        respond()
    }

    private func respond() -> HandlerResponse {
        let draining = status.isDraining
        let ready = check == .liveness || !draining
        var members: [(String, String)] = [
            ("status", JSONText.quote(ready ? "ok" : "draining")),
            ("check", JSONText.quote(check.rawValue)),
            ("draining", draining ? "true" : "false"),
        ]
        if let connections = status.connections {
            members.append(("active_connections", String(connections.active)))
        }
        var response = HandlerResponse.json(JSONText.object(members) + "\n", status: ready ? 200 : 503)
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }
}
