// swift-tools-version:6.2
import PackageDescription

// The same settings on every target, as Hummingbird does.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "remote-mcp",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mcp-server", targets: ["MCPServer"]),
        .executable(name: "mcp-bridge", targets: ["MCPBridge"]),
        .library(name: "MCPWire", targets: ["MCPWire"]),
        .library(name: "MCPServerCore", targets: ["MCPServerCore"]),
        .library(name: "MCPServerSQLite", targets: ["MCPServerSQLite"]),
        .library(name: "MCPBridgeCore", targets: ["MCPBridgeCore"]),
        .library(name: "MCPServerDynamoDB", targets: ["MCPServerDynamoDB"]),
        .library(name: "MCPServerLambda", targets: ["MCPServerLambda"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
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
    ],
    targets: [
        // The protocol module shared by mcp-server and mcp-bridge: no HTTP framework, no NIO.
        .target(name: "MCPWire", swiftSettings: swiftSettings),
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
                "MCPServerCore",
                "MCPServerSQLite",
                "MCPServerDynamoDB",
                "MCPServerLambda",
                "MCPWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The DynamoDB store and what it needs from AWS (SigV4 signing); no AWS SDK exists in our mirror.
        .target(
            name: "MCPServerDynamoDB",
            dependencies: [
                "MCPServerCore",
                "MCPWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MCPBridge",
            dependencies: [
                "MCPBridgeCore",
                "MCPWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
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
        .target(
            name: "RemoteMCPTestSupport",
            path: "Tests/Support/RemoteMCPTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPWireTests",
            dependencies: ["MCPWire"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPServerCoreTests",
            dependencies: [
                "MCPServerCore",
                "MCPServerDynamoDB",
                "StoreCrashProbe",
                "RemoteMCPTestSupport",
                "MCPServerSQLite",
                "MCPWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPServerTests",
            dependencies: [
                "MCPServer",
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
            ],
            exclude: ["Lambda/Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPBridgeTests",
            dependencies: [
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
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPServerDynamoDBTests",
            dependencies: ["MCPServerDynamoDB"],
            swiftSettings: swiftSettings
        ),
    ]
)
