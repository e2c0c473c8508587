import Foundation
import MCPWire
import RemoteMCPTestSupport
import Testing

/// Steps for one headless Chromium (`Tests/Interop/browser.py run`): what a person does in the browser an MCP host
/// opened. The steps are collected first and run in one browser, so cookies carry from one to the next as they
/// would for that person; each step's result comes back by the index its method returned.
///
/// ```swift
/// var browser = BrowserScript()
/// browser.open(authorizeURL)
/// browser.fill("username", "alice")
/// browser.click("Sign in")
/// let callback = browser.waitForURL("http://127.0.0.1:\(port)/callback")
/// let run = try await browser.run()
/// let url = try run.matched(callback)
/// ```
struct BrowserScript {
    private(set) var steps: [JSONValue] = []

    @discardableResult mutating func open(_ url: String) -> Int { self.add(["open": .string(url)]) }

    /// Types `value` into the form field named `name`.
    @discardableResult mutating func fill(_ name: String, _ value: String) -> Int {
        self.add(["fill": [.string(name), .string(value)]])
    }

    /// Clicks the button labelled `text` and waits for the page it leads to.
    @discardableResult mutating func click(_ text: String) -> Int { self.add(["click": .string(text)]) }

    /// Clicks the button named `name` with `value` (the consent page's `action=allow`).
    @discardableResult mutating func click(name: String, value: String) -> Int {
        self.add(["click": ["name": .string(name), "value": .string(value)]])
    }

    /// Waits until the browser is at, or was sent to, an address starting with `prefix`; nothing needs to
    /// listen there.
    @discardableResult mutating func waitForURL(_ prefix: String) -> Int { self.add(["wait_for_url": .string(prefix)]) }

    /// Fails the run unless the page shows `text`.
    @discardableResult mutating func expectText(_ text: String) -> Int { self.add(["expect_text": .string(text)]) }

    /// Reads the page's visible text.
    @discardableResult mutating func text() -> Int { self.add(["text": nil]) }

    /// A phone-sized PNG of the whole page.
    @discardableResult mutating func screenshot(_ file: URL) -> Int { self.add(["screenshot": .string(file.path)]) }

    private mutating func add(_ step: JSONValue) -> Int {
        self.steps.append(step)
        return self.steps.count - 1
    }

    /// Runs every step in one new browser (a fresh profile) and returns their results; throws at the first step
    /// that fails, naming it, with a screenshot of the page it failed on.
    func run() async throws -> BrowserRun {
        let python = try #require(Interop.python)
        // Kept (outside the test's directory, which is removed): the one thing to look at after a failure.
        let failure = FileManager.default.temporaryDirectory
            .appendingPathComponent("browser-failure-\(UUID().uuidString).png")
        let run = try await ChildProcess.run(
            python,
            [Interop.script("browser.py").path, "run", JSONValue.array(self.steps).serializedString()],
            environment: ["BROWSER_FAILURE_SCREENSHOT": failure.path]
        )
        let lines = try run.output.map { try JSONValue(parsing: $0) }
        if let error = lines.last?["error"]?.stringValue {
            let step = lines.count <= self.steps.count ? self.steps[lines.count - 1].serializedString() : "?"
            throw BrowserRun.Failure(
                description: """
                    browser step \(lines.count - 1) \(step) failed: \(error)
                    page: \(lines.last?["url"]?.stringValue ?? "?"); screenshot: \(failure.path)
                    stderr: \(run.errors.suffix(20).joined(separator: "\n"))
                    """
            )
        }
        guard run.status == 0, lines.count == self.steps.count else {
            throw BrowserRun.Failure(
                description: """
                    browser.py exited with \(run.status) after \(lines.count) of \(self.steps.count) steps
                    stderr: \(run.errors.suffix(30).joined(separator: "\n"))
                    """
            )
        }
        return BrowserRun(lines: lines)
    }
}

/// What a ``BrowserScript`` run reported: one JSON object per step, in order.
struct BrowserRun {
    let lines: [JSONValue]

    /// The browser's address after step `index`.
    func url(_ index: Int) throws -> String { try self.field("url", of: index) }

    /// The address a `waitForURL` step matched.
    func matched(_ index: Int) throws -> URLComponents {
        let text = try self.field("matched", of: index)
        return try #require(URLComponents(string: text), "not a URL: \(text)")
    }

    /// The page text a `text` step read.
    func text(_ index: Int) throws -> String { try self.field("text", of: index) }

    private func field(_ name: String, of index: Int) throws -> String {
        try #require(self.lines[index][name]?.stringValue, "step \(index) has no \(name): \(self.lines[index])")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
}

extension URLComponents {
    /// The value of query parameter `name`, percent-decoded.
    func parameter(_ name: String) -> String? {
        self.queryItems?.first { $0.name == name }?.value
    }
}
