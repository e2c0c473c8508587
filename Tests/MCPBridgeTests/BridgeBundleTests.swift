import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// The Claude Desktop extension (`bridge/mcpb`): `scripts/pack-mcpb.sh` packs the built bridge with its manifest,
/// the manifest is valid against the MCPB schema vendored from modelcontextprotocol/mcpb, and the bundle's binary,
/// started exactly as the manifest says (as a host does, `${__dirname}` and `${user_config.*}` substituted), serves
/// a session against a real mcp-server.
@Suite("the mcp-bridge MCP Bundle (.mcpb)", .childProcesses, .timeLimit(.minutes(3)))
struct BridgeBundleTests {
    static let schema = Interop.root.appendingPathComponent("bridge/mcpb/schema/mcpb-manifest-v0.3.schema.json")

    /// Packs the built bridge into `directory/mcp-bridge.mcpb` and unpacks it into `directory/unpacked`, keeping
    /// the modes the archive records (what a host's unzip does).
    static func packAndUnpack(in directory: URL) async throws -> (bundle: URL, unpacked: URL) {
        let bundle = directory.appendingPathComponent("mcp-bridge.mcpb")
        let pack = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/bash"),
            [
                Interop.root.appendingPathComponent("scripts/pack-mcpb.sh").path, RemoteMCP.version,
                BuiltProduct.url(named: "mcp-bridge").path, bundle.path,
            ]
        )
        #expect(pack.status == 0, "\((pack.output + pack.errors).joined(separator: "\n"))")
        let unpacked = directory.appendingPathComponent("unpacked")
        let unzip = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                """
                import os, sys, zipfile
                with zipfile.ZipFile(sys.argv[1]) as z:
                    for info in z.infolist():
                        path = z.extract(info, sys.argv[2])
                        os.chmod(path, (info.external_attr >> 16) & 0o777 or 0o644)
                """,
                bundle.path, unpacked.path,
            ]
        )
        #expect(unzip.status == 0, "\((unzip.output + unzip.errors).joined(separator: "\n"))")
        return (bundle, unpacked)
    }

    /// The host's substitution (MCPB's `${__dirname}` and `${user_config.KEY}`, a key the user left empty taking
    /// its default), with the manifest's `platform_overrides` for Linux applied.
    static func launchCommand(
        manifest: JSONValue,
        directory: URL,
        userConfig: [String: String]
    ) throws -> (command: String, arguments: [String], environment: [String: String]) {
        var config = try #require(manifest["server"]?["mcp_config"]?.objectValue)
        if let linux = config["platform_overrides"]?["linux"]?.objectValue {
            config.merge(linux) { _, override in override }
        }
        var values = ["__dirname": directory.path]
        for (key, option) in manifest["user_config"]?.objectValue ?? [:] {
            values["user_config.\(key)"] = userConfig[key] ?? option["default"]?.stringValue ?? ""
        }
        func substitute(_ text: String) -> String {
            values.reduce(text) { $0.replacingOccurrences(of: "${\($1.key)}", with: $1.value) }
        }
        let command = substitute(try #require(config["command"]?.stringValue))
        let arguments = (config["args"]?.arrayValue ?? []).compactMap(\.stringValue).map(substitute)
        var environment: [String: String] = [:]
        for (name, value) in config["env"]?.objectValue ?? [:] {
            environment[name] = substitute(value.stringValue ?? "")
        }
        return (command, arguments, environment)
    }

    @Test("packed, unpacked and started as the manifest says, the bridge serves a session")
    func bundleServesASession() async throws {
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let (_, unpacked) = try await Self.packAndUnpack(in: harness.directory)
        let manifest = try JSONValue(
            parsing: Array(try Data(contentsOf: unpacked.appendingPathComponent("manifest.json")))
        )
        #expect(manifest["version"]?.stringValue == RemoteMCP.version)
        #expect(manifest["server"]?["type"] == "binary")
        let entryPoint = try #require(manifest["server"]?["entry_point"]?.stringValue)
        #expect(FileManager.default.isExecutableFile(atPath: unpacked.appendingPathComponent(entryPoint).path))

        let server = try await harness.server()
        let launch = try Self.launchCommand(
            manifest: manifest,
            directory: unpacked,
            userConfig: ["server_url": server.mcpURL.absoluteString]
        )
        #expect(launch.command == unpacked.appendingPathComponent(entryPoint).path)
        // The optional client fields the user left empty reach the bridge as empty variables, which it reads as
        // unset (no pre-registered client), so it registers itself.
        #expect(launch.environment["MCP_BRIDGE_CLIENT_ID"] == "")
        var environment = launch.environment
        environment["MCP_BRIDGE_HOME"] = harness.home.path
        let bridge = try ChildProcess(
            URL(fileURLWithPath: launch.command),
            launch.arguments,
            environment: environment,
            standardInput: true
        )
        let initialize = try await bridge.initialize()
        #expect(initialize["result"]?["serverInfo"] != nil, "\(initialize)")
        #expect(toolText(try await bridge.call(Lines.echo("e", "from the bundle"), id: "e")) == "from the bundle")
        bridge.closeInput()
        #expect(await bridge.waitForExit() == 0)
        #expect(server.auditCount("client.registered") == 1)
    }

    @Test("the manifest is valid against the MCPB schema; the validator refuses a broken one", .needsPython)
    func manifestIsValid() async throws {
        let python = try #require(Interop.python)
        let harness = try BridgeHarness()
        defer { harness.cleanUp() }
        let (bundle, unpacked) = try await Self.packAndUnpack(in: harness.directory)
        for target in [Interop.root.appendingPathComponent("bridge/mcpb/manifest.json"), bundle] {
            let check = try await ChildProcess.run(
                python,
                [Interop.script("check_mcpb.py").path, Self.schema.path, target.path]
            )
            #expect(
                check.status == 0,
                "\(target.lastPathComponent): \((check.output + check.errors).joined(separator: "\n"))"
            )
        }
        // The same check fails a manifest that breaks the schema, so a pass above means something.
        let manifestURL = unpacked.appendingPathComponent("manifest.json")
        var manifest = try JSONValue(parsing: Array(try Data(contentsOf: manifestURL)))
        guard case .object(var top) = manifest, case .object(var server)? = top["server"] else {
            Issue.record("the manifest is not an object with a server")
            return
        }
        server["type"] = "bogus"
        top["server"] = .object(server)
        manifest = .object(top)
        try Data(manifest.serialized()).write(to: manifestURL)
        let broken = try await ChildProcess.run(
            python,
            [Interop.script("check_mcpb.py").path, Self.schema.path, manifestURL.path]
        )
        #expect(broken.status == 1)
        #expect((broken.output + broken.errors).joined(separator: "\n").contains("server.type"))
    }
}
