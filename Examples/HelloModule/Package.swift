// swift-tools-version: 6.2
//
// A loadable swhost handler module: `load_module` loads the shared library this builds.
// Build with the same Swift compiler as the swhost that will load it:
//   swift build --package-path Examples/HelloModule
// then point `load_module` at .build/debug/libHelloModule.so.

import PackageDescription

let package = Package(
    name: "HelloModule",
    products: [
        // The example the docs walk through: one handler, `hello_module`.
        .library(name: "HelloModule", type: .dynamic, targets: ["HelloModule"]),
        // Handlers swhost's end-to-end tests load: streaming, uploads, errors, timeouts.
        .library(name: "HandlerTestModule", type: .dynamic, targets: ["HandlerTestModule"]),
    ],
    dependencies: [
        // The swhost source tree this module is built against (same SWHostKit source, same compiler).
        .package(name: "swhost", path: "../.."),
    ],
    targets: [
        .target(name: "HelloModule", dependencies: [.product(name: "SWHostKit", package: "swhost")]),
        .target(name: "HandlerTestModule", dependencies: [.product(name: "SWHostKit", package: "swhost")]),
    ]
)
