import Foundation
import MCPWire
import RemoteMCPTestSupport

/// What the test browsers (`Tests/Interop/signin_browser.py`, `signin_chromium.py`) did, read as they do it: the
/// `SIGNIN_BROWSER_LOG` they append JSON lines to is a FIFO this test reads line by line into a ``ProcessLog``, so
/// a test awaits "the browser reached the callback" instead of sleeping, and counts how often a browser was opened.
///
/// The browsers run detached from the bridge that opened them (as `xdg-open` does), so their lines come from
/// processes the test did not start; each line is one `write(2)` under `PIPE_BUF`, so lines of copies running at
/// once never interleave. ``close()`` ends the log: once no browser holds the FIFO open the reader sees end of
/// file, and a browser that tries to write later drops its line instead of blocking.
final class BrowserEvents: Sendable {
    /// The FIFO, for `SIGNIN_BROWSER_LOG`.
    let path: URL
    /// Every line the browsers wrote so far (JSON objects with an `event`).
    let log: ProcessLog
    /// A write end this test holds, so the reader does not see end of file between two browsers' writes.
    private let keeper: Int32

    init(at path: URL) throws {
        guard mkfifo(path.path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // Non-blocking, or opening the read end would wait for a writer; then blocking again for the reader thread.
        let reader = open(path.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard reader >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) & ~O_NONBLOCK)
        let keeper = open(path.path, O_WRONLY | O_CLOEXEC)
        guard keeper >= 0 else {
            Foundation.close(reader)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        self.path = path
        self.keeper = keeper
        let log = ProcessLog(name: "test browser log (\(path.lastPathComponent))")
        self.log = log
        let lines = LineStream.lines(of: FileHandle(fileDescriptor: reader, closeOnDealloc: true))
        Task.detached {
            for await line in lines { log.append(line) }
            log.finish()
        }
    }

    /// Lets the reader reach end of file once no browser writes any more.
    func close() {
        Foundation.close(self.keeper)
    }

    /// The events so far, parsed.
    var events: [JSONValue] {
        self.log.lines.compactMap { try? JSONValue(parsing: $0) }
    }

    /// The events named `name` so far.
    func events(_ name: String) -> [JSONValue] {
        self.events.filter { $0["event"]?.stringValue == name }
    }

    /// How many times a browser was opened so far.
    var openings: Int { self.events("opened").count }

    /// The URLs browsers were opened with (the bridge's sign-in links), in order.
    var openedURLs: [URLComponents] {
        self.events("opened").compactMap { $0["url"]?.stringValue.flatMap(URLComponents.init(string:)) }
    }

    /// The authorization URLs the sign-in links redirected the browsers to, in order (signin_browser.py only).
    var authorizationURLs: [URLComponents] {
        self.events("authorization").compactMap { $0["url"]?.stringValue.flatMap(URLComponents.init(string:)) }
    }

    /// The `count + 1`th event named `name` (seen or still to come); a browser's `error` event fails the wait at
    /// once, with what the browser saw.
    @discardableResult
    func next(_ name: String, after count: Int = 0, timeout: Duration = .seconds(60)) async throws -> JSONValue {
        // The predicate runs under the log's lock, one line at a time, in order.
        var seen = 0
        let line = try await self.log.line(timeout: timeout) { line in
            guard let event = (try? JSONValue(parsing: line))?["event"]?.stringValue else { return false }
            if event == "error" { return true }
            guard event == name else { return false }
            seen += 1
            return seen > count
        }
        let event = try JSONValue(parsing: line)
        if event["event"] == "error" { throw BrowserFailed(event: event) }
        return event
    }

    /// A browser reported an error: the page it was on and why.
    struct BrowserFailed: Error, CustomStringConvertible {
        let event: JSONValue
        var description: String { "the test browser failed: \(self.event.serializedString())" }
    }
}
