// An swhost handler module: `load_module .../libHelloModule.so;` then
// `location /hi { swift_handler hello_module greeting=Hi; }`.

import SWHostKit

/// Answers `GREETING from a module, PATH` as text.
struct HelloModuleHandler: SwiftHandler {
    let greeting: String

    func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        request.logger.info("hello_module answering \(request.path)")
        return .text("\(greeting) from a module, \(request.path)\n")
    }
}

/// The entry point swhost calls after `dlopen`: registers this module's handlers when the
/// handler API versions match, and returns this module's version either way.
@_cdecl("swhost_module_register")
public func swhost_module_register(_ hostVersion: Int32, _ registry: UnsafeMutableRawPointer) -> Int32 {
    HandlerModule.register(hostVersion: hostVersion, registry: registry) { registry in
        registry.register("hello_module") { (parameters: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try parameters.allowOnly(["greeting"], handler: "hello_module")
            return HelloModuleHandler(greeting: parameters["greeting"] ?? "Hello")
        }
    }
}
