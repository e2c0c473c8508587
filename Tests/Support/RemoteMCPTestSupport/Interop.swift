public import Foundation
public import Testing

/// What the interop tests need from outside the package, named by the environment `scripts/test.sh` sets in its
/// interop stage. Without it those tests are skipped (and the stage before runs without it).
public enum Interop {
    /// The Python with the pinned MCP SDK (`.venv`): `REMOTE_MCP_PYTHON`.
    public static let python = Self.path("REMOTE_MCP_PYTHON")
    /// moto_server, the DynamoDB-compatible endpoint: `REMOTE_MCP_DYNAMODB_ENDPOINT`.
    public static let dynamoDBEndpoint = ProcessInfo.processInfo.environment["REMOTE_MCP_DYNAMODB_ENDPOINT"]
        .flatMap(URL.init(string:))
    /// `cfn-lint` (in `.venv-moto`, beside the Python that runs `check_template.py`): `REMOTE_MCP_CFN_LINT`.
    public static let cfnLint = Self.path("REMOTE_MCP_CFN_LINT")
    /// The packaged Lambda artifact (`server/package.sh`): `REMOTE_MCP_LAMBDA_PACKAGE`.
    public static let lambdaPackage = Self.path("REMOTE_MCP_LAMBDA_PACKAGE")

    /// The repository's root directory.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../..").standardizedFileURL

    /// A file in `Tests/Interop`.
    public static func script(_ name: String) -> URL {
        Self.root.appendingPathComponent("Tests/Interop/\(name)")
    }

    private static func path(_ variable: String) -> URL? {
        ProcessInfo.processInfo.environment[variable].map(URL.init(fileURLWithPath:))
    }

    struct Missing: Error, CustomStringConvertible {
        let what: String
        var description: String { "\(self.what) is not set: run scripts/test.sh" }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs only with the pinned Python MCP SDK (``Interop/python``).
    public static var needsPython: Self {
        .enabled(if: Interop.python != nil, "needs REMOTE_MCP_PYTHON (scripts/test.sh sets it in its interop stage)")
    }

    /// Runs only with moto_server (``Interop/dynamoDBEndpoint``).
    public static var needsMoto: Self {
        .enabled(
            if: Interop.dynamoDBEndpoint != nil,
            "needs REMOTE_MCP_DYNAMODB_ENDPOINT (scripts/test.sh starts moto_server in its interop stage)"
        )
    }
}
