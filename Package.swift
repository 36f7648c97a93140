// swift-tools-version: 6.2
//
// swhost: a declarative-config web hosting appliance.
// One module per responsibility; dependency directions are documented in docs/architecture.md.

import PackageDescription

/// Settings shared by every Swift target of the project (not by dependencies).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
    // Exclusivity checks cost ~25% of user instructions on the request path (measured in
    // ../shared/bench); the code does not rely on them for correctness.
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

let package = Package(
    name: "swhost",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swhost", targets: ["swhost"]),
        // The public Swift handler API that load_module libraries link against (FEASIBILITY.md §4).
        .library(name: "SWHostKit", type: .dynamic, targets: ["SWHostKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        // Insecure.MD5 / Insecure.SHA1 for htpasswd's $apr1$ and {SHA} formats (SWHostHTTP only).
    ],
    targets: [
        // C libraries, through system-library targets (Debian -dev packages).
        .systemLibrary(name: "CMagic", pkgConfig: "libmagic", providers: [.apt(["libmagic-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        // libxml2 and libcrypto, dlopen'ed on first use (an xml autoindex, a legacy htpasswd hash):
        // linked, they cost every process ~2.3 MB of resident libraries and ~1 ms per exec.
        // Built against libxml2-dev and libssl-dev headers; the include path is Debian's.
        .target(name: "CLazyLibraries", cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])]),
        // epoll and eventfd for the FastCGI upstream reactor (headers only).
        .systemLibrary(name: "CEpoll"),
        // Linux calls Swift cannot make directly (variadic, _GNU_SOURCE-only, macros).
        .target(name: "CSWHostSystem", linkerSettings: [.linkedLibrary("crypt")]),

        // Config language: lexer, parser, includes, directive table, typed model, routing tables. No NIO.
        .target(
            name: "SWHostConfig",
            dependencies: ["CPCRE2", .product(name: "Collections", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        // Error log (nginx line format) and access log (compiled log_format), log files and reopen.
        .target(
            name: "SWHostLog",
            dependencies: ["SWHostConfig", "CSWHostSystem", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // HTTP/1.1 transport on SwiftNIO: request parser, limits, timeouts, response writer. No config syntax.
        .target(
            name: "SWHostHTTPCore",
            dependencies: nio + ["CSWHostSystem", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // zlib deflate (streaming gzip) and Accept-Encoding negotiation.
        .target(
            name: "SWHostCompression",
            dependencies: ["CZlib", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Static files: path resolution, open-file cache, MIME (types + libmagic), conditional, ranges, autoindex.
        .target(
            name: "SWHostStatic",
            dependencies: nio + ["SWHostHTTPCore", "SWHostCompression", "CMagic", "CLazyLibraries", "CSWHostSystem"],
            swiftSettings: swiftSettings
        ),
        // Out-of-process content: CGI/1.1 (RFC 3875) processes and the FastCGI client. Takes typed
        // parameters only (no config syntax, no request-processing types).
        .target(
            name: "SWHostGateway",
            dependencies: nio + ["SWHostHTTPCore", "CSWHostSystem", "CEpoll", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Request processing: vhost and location routing, phases, variables, filters, per-vhost logs.
        .target(
            name: "SWHostHTTP",
            dependencies: nio + [
                "SWHostConfig", "SWHostHTTPCore", "SWHostStatic", "SWHostCompression", "SWHostLog", "SWHostGateway",
                "CPCRE2", "CSWHostSystem", "SWHostKit",
                .product(name: "Logging", package: "swift-log"),
                "CLazyLibraries",
            ],
            swiftSettings: swiftSettings
        ),
        // The public Swift handler API: request in, streaming response out, async. No NIO types.
        .target(name: "SWHostKit", swiftSettings: swiftSettings),
        // Built-in Swift handlers (health, status, echo, hello), registered at startup.
        .target(name: "SWHostHandlers", dependencies: ["SWHostKit"], swiftSettings: swiftSettings),
        // Master/worker supervision: listening sockets, worker spawning, signals, reload generations.
        .target(
            name: "SWHostProcess",
            dependencies: ["SWHostConfig", "SWHostLog", "CSWHostSystem"],
            swiftSettings: swiftSettings
        ),
        // The executable: nginx-compatible command line and wiring only.
        .executableTarget(
            name: "swhost",
            dependencies: ["SWHostConfig", "SWHostHTTP", "SWHostHTTPCore", "SWHostLog", "SWHostProcess", "SWHostKit", "SWHostHandlers", "CSWHostSystem", "CZlib", "CMagic", "CLazyLibraries", "CPCRE2"] + nio,
            swiftSettings: swiftSettings,
            // SwiftPM links SWHostKit into the executable statically; exporting its symbols makes a
            // load_module library (which NEEDs libSWHostKit.so) bind to this copy, so host and
            // modules share one registry, one ServerStatus and one set of type metadata.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"], .when(platforms: [.linux]))]
        ),
        // Test support: temporary prefixes, the binary launcher, a raw HTTP client, gunzip.
        .target(
            name: "SWHostTesting",
            dependencies: ["CSWHostSystem", "CZlib"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "SWHostConfigTests", dependencies: ["SWHostConfig"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "SWHostLogTests", dependencies: ["SWHostLog", "SWHostConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SWHostHTTPCoreTests",
            dependencies: ["SWHostHTTPCore", .product(name: "NIOEmbedded", package: "swift-nio")] + nio,
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SWHostCompressionTests", dependencies: ["SWHostCompression", "SWHostTesting", "CZlib"], swiftSettings: swiftSettings),
        .testTarget(name: "SWHostStaticTests", dependencies: ["SWHostStatic", "SWHostHTTPCore"] + nio, swiftSettings: swiftSettings),
        .testTarget(name: "SWHostGatewayTests", dependencies: ["SWHostGateway", "SWHostHTTPCore"] + nio, swiftSettings: swiftSettings),
        .testTarget(name: "SWHostHTTPTests", dependencies: ["SWHostHTTP", "SWHostConfig", "SWHostHTTPCore"] + nio, swiftSettings: swiftSettings),
        .testTarget(name: "SWHostKitTests", dependencies: ["SWHostKit"], swiftSettings: swiftSettings),
        .testTarget(name: "SWHostHandlersTests", dependencies: ["SWHostHandlers", "SWHostKit"], swiftSettings: swiftSettings),
        .testTarget(name: "SWHostProcessTests", dependencies: ["SWHostProcess", "SWHostConfig"], swiftSettings: swiftSettings),
        .testTarget(name: "SWHostEndToEndTests", dependencies: ["SWHostTesting", "CZlib"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    ]
)
