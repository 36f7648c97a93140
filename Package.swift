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
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        // Insecure.MD5 / Insecure.SHA1 for htpasswd's $apr1$ and {SHA} formats (SWHostHTTP only).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // C libraries, through system-library targets (Debian -dev packages).
        .systemLibrary(name: "CMagic", pkgConfig: "libmagic", providers: [.apt(["libmagic-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
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
            dependencies: nio + ["SWHostHTTPCore", "SWHostCompression", "CMagic", "CLibXML2", "CSWHostSystem"],
            swiftSettings: swiftSettings
        ),
        // Out-of-process content: CGI/1.1 (RFC 3875) processes and the FastCGI client. Takes typed
        // parameters only (no config syntax, no request-processing types).
        .target(
            name: "SWHostGateway",
            dependencies: nio + ["SWHostHTTPCore", "CSWHostSystem", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Request processing: vhost and location routing, phases, variables, filters, per-vhost logs.
        .target(
            name: "SWHostHTTP",
            dependencies: nio + [
                "SWHostConfig", "SWHostHTTPCore", "SWHostStatic", "SWHostCompression", "SWHostLog", "SWHostGateway",
                "CPCRE2", "CSWHostSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The executable: nginx-compatible command line and wiring only.
        .executableTarget(
            name: "swhost",
            dependencies: ["SWHostConfig", "SWHostHTTP", "SWHostHTTPCore", "SWHostLog", "CSWHostSystem", "CZlib", "CMagic", "CLibXML2", "CPCRE2"] + nio,
            swiftSettings: swiftSettings
        ),
        // Test support: temporary prefixes, the binary launcher, a raw HTTP client.
        .target(
            name: "SWHostTesting",
            dependencies: ["CSWHostSystem"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "SWHostConfigTests", dependencies: ["SWHostConfig"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "SWHostLogTests", dependencies: ["SWHostLog", "SWHostConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SWHostHTTPCoreTests",
            dependencies: ["SWHostHTTPCore", .product(name: "NIOEmbedded", package: "swift-nio")] + nio,
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SWHostCompressionTests", dependencies: ["SWHostCompression", "CZlib"], swiftSettings: swiftSettings),
        .testTarget(name: "SWHostStaticTests", dependencies: ["SWHostStatic", "SWHostHTTPCore"] + nio, swiftSettings: swiftSettings),
        .testTarget(name: "SWHostGatewayTests", dependencies: ["SWHostGateway", "SWHostHTTPCore"] + nio, swiftSettings: swiftSettings),
        .testTarget(name: "SWHostHTTPTests", dependencies: ["SWHostHTTP", "SWHostConfig", "SWHostHTTPCore", .product(name: "Crypto", package: "swift-crypto")] + nio, swiftSettings: swiftSettings),
        .testTarget(name: "SWHostEndToEndTests", dependencies: ["SWHostTesting", "CZlib"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    ]
)
