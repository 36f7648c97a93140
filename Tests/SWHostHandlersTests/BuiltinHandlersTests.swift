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
        ("status", ["format": "xml"], "invalid \"format\" value \"xml\" in swift_handler \"status\" (text or json)"),
        ("status", ["vhosts": "yes"], "invalid \"vhosts\" value \"yes\" in swift_handler \"status\" (on or off)"),
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

    /// The four stub_status lines stay byte-identical; one line per server follows (`_` for an
    /// unnamed one); `vhosts=off` leaves nginx's page alone.
    @Test func statusAppendsOneLinePerVirtualServer() async throws {
        let status = ServerStatus()
        status.setConnectionSource { ServerStatus.Connections(active: 1, accepts: 3, handled: 3, requests: 9, reading: 0, writing: 1, waiting: 0) }
        status.setVirtualHostSource {
            [ServerStatus.VirtualHost(name: "example.com", requests: 7, statusClasses: [0, 5, 1, 1, 0], bytesOut: 1234),
             ServerStatus.VirtualHost(name: "", requests: 1, statusClasses: [0, 0, 0, 0, 1], bytesOut: 200)]
        }
        let stub = "Active connections: 1 \nserver accepts handled requests\n 3 3 9 \nReading: 0 Writing: 1 Waiting: 0 \n"
        let page = try await StatusHandler(status: status).handle(HandlerRequest())
        #expect(text(page) == stub
            + "vhost example.com requests 7 1xx 0 2xx 5 3xx 1 4xx 1 5xx 0 bytes_out 1234\n"
            + "vhost _ requests 1 1xx 0 2xx 0 3xx 0 4xx 0 5xx 1 bytes_out 200\n")
        let plain = try await StatusHandler.make(HandlerParameters(pairs: ["vhosts": "off"]), status: status).handle(HandlerRequest())
        #expect(text(plain) == stub)
    }

    @Test(arguments: [(["format": "json"], ""), ([:], "format=json"), ([:], "a=1&format=json")])
    func statusSpeaksJSONByParameterOrQuery(parameters: [String: String], query: String) async throws {
        let status = ServerStatus()
        status.setConnectionSource { ServerStatus.Connections(active: 1, accepts: 3, handled: 3, requests: 9, reading: 0, writing: 1, waiting: 0) }
        status.setVirtualHostSource { [ServerStatus.VirtualHost(name: "a\"b", requests: 2, statusClasses: [0, 2, 0, 0, 0], bytesOut: 10)] }
        let handler = try StatusHandler.make(HandlerParameters(parameters.map { HandlerParameters.Parameter(key: $0.key, value: $0.value) }), status: status)
        let response = try await handler.handle(HandlerRequest(query: query))
        #expect(response.contentType == "application/json")
        #expect(text(response) == """
            {"connections":{"active":1,"accepts":3,"handled":3,"requests":9,"reading":0,"writing":1,"waiting":0},\
            "vhosts":[{"name":"a\\"b","requests":2,"1xx":0,"2xx":2,"3xx":0,"4xx":0,"5xx":0,"bytes_out":10}]}

            """)
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
