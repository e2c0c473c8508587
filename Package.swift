// swift-tools-version:6.2
import PackageDescription

// The same settings on every target, as Hummingbird does.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// How the two programs are linked on Linux. lld instead of gold, and only the symbols the C libraries need exported:
// the toolchain passes -export-dynamic, which put every Swift symbol of the program in its dynamic symbol table
// (5 MB of mcp-server, and pages the loader reads at every start). Nothing looks our symbols up at run time:
// CGlobalEnqueueHook sets the executor hook by link-time reference. The test binary, which links both programs'
// modules, is linked the same way (Swift Testing finds tests through metadata sections, not symbols).
let executableLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))
]

let package = Package(
    name: "remote-mcp",
    // hummingbird-auth declares macOS 14; on Linux the platform line changes nothing.
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mcp-server", targets: ["MCPServer"]),
        .executable(name: "mcp-bridge", targets: ["MCPBridge"]),
        .library(name: "MCPWire", targets: ["MCPWire"]),
        .library(name: "MCPServerCore", targets: ["MCPServerCore"]),
        .library(name: "MCPServerSQLite", targets: ["MCPServerSQLite"]),
        .library(name: "MCPBridgeCore", targets: ["MCPBridgeCore"]),
        .library(name: "MCPServerAWS", targets: ["MCPServerAWS"]),
        .library(name: "MCPServerDynamoDB", targets: ["MCPServerDynamoDB"]),
        .library(name: "MCPServerLambda", targets: ["MCPServerLambda"]),
    ],
    dependencies: [
        // No default traits: FullFoundation links all of Foundation (and ICU's data) for URL-encoded forms' dates,
        // and ConfigurationSupport brings swift-configuration; we use neither.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.36.0"),
        // Already in the graph through jwt-kit; named here for client-certificate checks (RFC 8705).
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // Only its HummingbirdBcrypt product (a Swift wrapper over a C bcrypt target) is used: not its session,
        // persist or OTP modules.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        // The protocol module shared by mcp-server and mcp-bridge: no HTTP framework, no NIO.
        .target(name: "MCPWire", swiftSettings: swiftSettings),
        // Sets Swift Concurrency's global-executor hook by link-time reference (SwiftNIO's dlsym lookup finds nothing
        // when the Swift runtime is linked statically).
        .target(name: "CGlobalEnqueueHook"),
        // What both executables share on the command line: options that fall back to environment variables, and
        // running tasks on the event loops.
        .target(
            name: "MCPCommandLine",
            dependencies: [
                "CGlobalEnqueueHook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MCPServerCore",
            dependencies: [
                "MCPWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                // What the server fetches from others: Client ID Metadata Documents, the upstream OpenID provider,
                // clients' jwks_uri (OutboundFetcher).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MCPServerSQLite",
            dependencies: [
                "MCPServerCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MCPServer",
            dependencies: [
                "MCPCommandLine",
                "MCPServerAWS",
                "MCPServerCore",
                "MCPServerSQLite",
                "MCPServerDynamoDB",
                "MCPServerLambda",
                "MCPWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: executableLinkerSettings
        ),
        // What the server needs from AWS: SigV4 signing, the JSON-protocol client, Secrets Manager. No AWS SDK
        // exists in our mirror.
        .target(
            name: "MCPServerAWS",
            dependencies: [
                "MCPWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The DynamoDB store.
        .target(
            name: "MCPServerDynamoDB",
            dependencies: [
                "MCPServerAWS",
                "MCPServerCore",
                "MCPWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Lambda host: Runtime API client, API Gateway / Function URL events, EMF metrics. No AWS SDK exists
        // in our mirror, so this is ours, modelled on swift-aws-lambda-runtime and hummingbird-lambda.
        .target(
            name: "MCPServerLambda",
            dependencies: [
                "MCPServerCore",
                "MCPWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The bridge: stdio framing, Streamable HTTP and legacy SSE clients, OAuth discovery, registration,
        // tokens and the credential store. No server code, no SQLite.
        .target(
            name: "MCPBridgeCore",
            dependencies: [
                "MCPWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RS256 client assertions (private_key_jwt); already built for jwt-kit.
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MCPBridge",
            dependencies: [
                "MCPBridgeCore",
                "MCPCommandLine",
                "MCPWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: executableLinkerSettings
        ),
        // Writes clients in a loop so a test can kill -9 it mid-write and check the file (crash safety).
        .executableTarget(
            name: "StoreCrashProbe",
            dependencies: [
                "MCPServerCore",
                "MCPServerSQLite",
                "MCPWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/StoreCrashProbe",
            swiftSettings: swiftSettings
        ),
        // Test helpers: child processes (started, awaited line by line, always stopped), HTTP to them, and what
        // the interop tests need from outside. Swift Testing links into this library target (its scope trait).
        .target(
            name: "RemoteMCPTestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Support/RemoteMCPTestSupport",
            swiftSettings: swiftSettings
        ),
        // The ServerStore contract: one list of checks every backend's own test target runs against it, so no
        // test target links a backend it does not test.
        .target(
            name: "ServerStoreContract",
            dependencies: [
                "MCPServerCore",
                "MCPWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/ServerStoreContract",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPWireTests",
            dependencies: [
                "MCPWire",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPServerCoreTests",
            dependencies: [
                "MCPServerCore",
                "ServerStoreContract",
                "MCPWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // Only to show, in PasswordHasherTests, the truncation PasswordHasher refuses.
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPServerTests",
            dependencies: [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                "MCPServer",
                "MCPServerAWS",
                "MCPServerDynamoDB",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                "RemoteMCPTestSupport",
                "MCPServerCore",
                "MCPWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Signing client assertions the outbound tests serve from a jwks_uri.
                .product(name: "JWTKit", package: "jwt-kit"),
                // The PKCE challenges of the live sign-in tests, made by the test, not by the server's code.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPBridgeTests",
            dependencies: [
                .product(name: "PropertyBased", package: "swift-property-based"),
                "MCPBridgeCore",
                "MCPBridge",
                "MCPWire",
                "RemoteMCPTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPServerLambdaTests",
            dependencies: [
                "MCPServerLambda",
                "MCPServerCore",
                "MCPWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // API Gateway and Function URL events shaped like AWS's documented examples; the process tests in
            // MCPServerTests read them from here too.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // The SQLite store: the contract, file modes, migrations, and kill -9 mid-write (StoreCrashProbe).
        .testTarget(
            name: "MCPServerSQLiteTests",
            dependencies: [
                "MCPServerSQLite",
                "MCPServerCore",
                "MCPWire",
                "ServerStoreContract",
                "RemoteMCPTestSupport",
                "StoreCrashProbe",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // AWS's SigV4 test suite.
        .testTarget(
            name: "MCPServerAWSTests",
            dependencies: ["MCPServerAWS"],
            swiftSettings: swiftSettings
        ),
        // The DynamoDB store's contract against moto_server (in scripts/test.sh's interop stage).
        .testTarget(
            name: "MCPServerDynamoDBTests",
            dependencies: [
                "MCPServerAWS",
                "MCPServerDynamoDB",
                "MCPServerCore",
                "MCPWire",
                "ServerStoreContract",
                "RemoteMCPTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
