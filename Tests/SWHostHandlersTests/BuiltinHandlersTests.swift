import SWHostHandlers
import SWHostKit
import Testing

private func text(_ response: HandlerResponse) -> String {
    guard case .bytes(let bytes) = response.body else { return "<not bytes>" }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct BuiltinHandlersTests {
    @Test func registersTheFourBuiltins() {
        let registry = HandlerRegistry()
        BuiltinHandlers.register(in: registry, status: ServerStatus())
        #expect(registry.names == ["echo", "health", "hello", "status"])
    }

    @Test func helloGreetsTheConfiguredName() async throws {
        let registry = HandlerRegistry()
        BuiltinHandlers.register(in: registry, status: ServerStatus())
        let plain = try await registry.handler(name: "hello", parameters: HandlerParameters()).handle(HandlerRequest())
        #expect(text(plain) == "Hello, world!\n")
        #expect(plain.contentType == "text/plain")
        let named = try await registry.handler(name: "hello", parameters: HandlerParameters(pairs: ["name": "swhost"])).handle(HandlerRequest())
        #expect(text(named) == "Hello, swhost!\n")
    }

    @Test(arguments: [
        ("hello", ["name": ""], "empty \"name\" value in swift_handler \"hello\""),
        ("hello", ["greeting": "x"], "unknown parameter \"greeting\" in swift_handler \"hello\""),
        ("health", ["check": "deep"], "invalid \"check\" value \"deep\" in swift_handler \"health\" (readiness or liveness)"),
        ("status", ["x": "1"], "unknown parameter \"x\" in swift_handler \"status\""),
        ("echo", ["max_body": "-1"], "invalid \"max_body\" value \"-1\" in swift_handler \"echo\""),
    ])
    func invalidParametersAreRejectedAtConfigTime(name: String, parameters: [String: String], message: String) {
        let registry = HandlerRegistry()
        BuiltinHandlers.register(in: registry, status: ServerStatus())
        let p = HandlerParameters(parameters.map { HandlerParameters.Parameter(key: $0.key, value: $0.value) })
        #expect(throws: HandlerConfigError(message)) { try registry.validate(name: name, parameters: p) }
    }

    @Test func healthIsReadyUntilDraining() async throws {
        let status = ServerStatus()
        let ready = try await HealthHandler(status: status).handle(HandlerRequest())
        #expect(ready.status == 200)
        #expect(text(ready) == "{\"status\":\"ok\",\"check\":\"readiness\",\"draining\":false}\n")
        #expect(ready.contentType == "application/json")
        status.isDraining = true
        let draining = try await HealthHandler(status: status).handle(HandlerRequest())
        #expect(draining.status == 503)
        #expect(text(draining) == "{\"status\":\"draining\",\"check\":\"readiness\",\"draining\":true}\n")
        let live = try await HealthHandler(check: .liveness, status: status).handle(HandlerRequest())
        #expect(live.status == 200)
    }

    /// nginx's ngx_http_stub_status_module output, trailing spaces included.
    @Test func statusMatchesStubStatusFormat() async throws {
        let status = ServerStatus()
        status.setConnectionSource { ServerStatus.Connections(active: 291, accepts: 16630948, handled: 16630948, requests: 31070465, reading: 6, writing: 179, waiting: 106) }
        let response = try await StatusHandler(status: status).handle(HandlerRequest())
        #expect(response.status == 200)
        #expect(text(response) == "Active connections: 291 \nserver accepts handled requests\n 16630948 16630948 31070465 \nReading: 6 Writing: 179 Waiting: 106 \n")
    }

    @Test func statusWithoutCountersIs503() async throws {
        let response = try await StatusHandler(status: ServerStatus()).handle(HandlerRequest())
        #expect(response.status == 503)
    }

    @Test func echoDumpsTheRequestAsJSON() async throws {
        let request = HandlerRequest(
            method: "POST", uri: "/e?a=1", path: "/e", query: "a=1", headers: ["Host": "x", "X-Q": "say \"hi\"\n"],
            remoteAddress: "10.0.0.1", remotePort: 5555, host: "x", serverName: "example", location: "/e",
            parameters: HandlerParameters(pairs: ["max_body": "4"]), body: HandlerRequestBody(chunks: [Array("hello".utf8)])
        )
        let response = try await EchoHandler(maxBody: 4).handle(request)
        #expect(text(response) == """
        {"method":"POST","uri":"/e?a=1","path":"/e","query":"a=1","version":"HTTP/1.1","headers":[["Host","x"],["X-Q","say \\"hi\\"\\n"]],\
        "remote_address":"10.0.0.1","remote_port":5555,"host":"x","server_name":"example","location":"/e","parameters":[["max_body","4"]],\
        "body_length":5,"body":"hell","body_truncated":true}

        """)
    }
}
