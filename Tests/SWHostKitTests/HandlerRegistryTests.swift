import SWHostKit
import Testing

private struct Fixed: SwiftHandler {
    let text: String
    func handle(_ request: HandlerRequest) async throws -> HandlerResponse { .text(text) }
}

@Suite struct HandlerRegistryTests {
    @Test func registeredFactoryValidatesAndMakesHandlers() async throws {
        let registry = HandlerRegistry()
        registry.register("greet") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try p.allowOnly(["text"], handler: "greet")
            return Fixed(text: p["text"] ?? "none")
        }
        try registry.validate(name: "greet", parameters: HandlerParameters(pairs: ["text": "hi"]))
        let handler = try registry.handler(name: "greet", parameters: HandlerParameters(pairs: ["text": "hi"]))
        let response = try await handler.handle(HandlerRequest())
        guard case .bytes(let bytes) = response.body else { Issue.record("not bytes"); return }
        #expect(String(decoding: bytes, as: UTF8.self) == "hi")
    }

    @Test func unknownNameIsAConfigError() {
        let registry = HandlerRegistry()
        #expect(throws: HandlerConfigError("unknown swift handler \"nope\"")) {
            try registry.validate(name: "nope", parameters: HandlerParameters())
        }
    }

    @Test func factoryRejectionCarriesItsMessage() {
        let registry = HandlerRegistry()
        registry.register("plain", handler: Fixed(text: "x"))
        #expect(throws: HandlerConfigError("unknown parameter \"a\" in swift_handler \"plain\"")) {
            try registry.validate(name: "plain", parameters: HandlerParameters(pairs: ["a": "1"]))
        }
    }

    @Test func firstRegistrationOfANameWins() async throws {
        let registry = HandlerRegistry()
        #expect(registry.register("x", handler: Fixed(text: "first")))
        #expect(!registry.register("x", handler: Fixed(text: "second")))
        #expect(registry.names == ["x"])
        let response = try await registry.handler(name: "x", parameters: HandlerParameters()).handle(HandlerRequest())
        guard case .bytes(let bytes) = response.body else { Issue.record("not bytes"); return }
        #expect(bytes == Array("first".utf8))
    }

    @Test func oneInstancePerDistinctParameters() throws {
        let registry = HandlerRegistry()
        let made = Counter()
        registry.register("c") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            made.increment()
            return Fixed(text: p["k"] ?? "")
        }
        _ = try registry.handler(name: "c", parameters: HandlerParameters(pairs: ["k": "1"]))
        _ = try registry.handler(name: "c", parameters: HandlerParameters(pairs: ["k": "1"]))
        _ = try registry.handler(name: "c", parameters: HandlerParameters(pairs: ["k": "2"]))
        #expect(made.value == 2)
    }

    @Test func moduleLoadFailureNamesThePath() {
        #expect(throws: HandlerConfigError.self) {
            try HandlerModule.load(path: "/nonexistent/libnothing.so", into: HandlerRegistry())
        }
        do {
            try HandlerModule.load(path: "/nonexistent/libnothing.so", into: HandlerRegistry())
        } catch {
            #expect(error.message.hasPrefix("dlopen() \"/nonexistent/libnothing.so\" failed ("))
        }
    }

    @Test func libraryWithoutEntryPointIsRejected() {
        // libz is on every swhost machine and has no swhost_module_register.
        do {
            try HandlerModule.load(path: "libz.so.1", into: HandlerRegistry())
            Issue.record("loaded a library without the entry point")
        } catch {
            #expect(error.message.hasPrefix("dlsym() \"libz.so.1\", \"swhost_module_register\" failed ("))
        }
    }
}

import Synchronization

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
