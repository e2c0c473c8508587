import Foundation
import HTTPTypes
import MCPWire
import Testing

@testable import MCPServerCore

/// Sealing (ChaCha20-Poly1305 under keys derived per purpose), browser ids, CSRF tokens and cookie parsing, as
/// values.
@Suite("Sign-in: sealing, browser binding, cookies")
struct SignInSealingTests {
    static let keys = SignInKeys { purpose in
        [Array("first \(purpose.rawValue)".utf8).paddedTo32, Array("second \(purpose.rawValue)".utf8).paddedTo32]
    }

    static func session(_ id: String = "usr_x") -> BrowserSession {
        BrowserSession(
            person: StoredPerson(id: id, createdAt: Date(), updatedAt: Date()),
            browser: .generate(),
            resource: "http://mcp.test/mcp",
            now: Date(timeIntervalSince1970: 1_800_000_000),
            lifetime: .seconds(60)
        )
    }

    @Test func sealedValuesOpenAndHideTheirContents() throws {
        let sealer = SignInSealer<BrowserSession>(keys: Self.keys, purpose: .session)
        let session = Self.session("usr_secret_person")
        let sealed = sealer.seal(session)
        #expect(sealer.open(sealed) == session)
        #expect(!sealed.contains("usr_secret_person"))
        #expect(Base64.decode(sealed, .url).map { String(decoding: $0, as: UTF8.self).contains("usr_") } == false)
        // Two seals of the same value differ (a fresh nonce each time).
        #expect(sealer.seal(session) != sealed)
    }

    @Test func aValueSealedForOnePurposeNeverOpensForAnother() {
        let sessions = SignInSealer<BrowserSession>(keys: Self.keys, purpose: .session)
        let asRequest = SignInSealer<BrowserSession>(keys: Self.keys, purpose: .request)
        #expect(asRequest.open(sessions.seal(Self.session())) == nil)
    }

    @Test func everyAlteredByteIsRefused() throws {
        let sealer = SignInSealer<BrowserSession>(keys: Self.keys, purpose: .session)
        let bytes = try #require(Base64.decode(sealer.seal(Self.session()), .url))
        for index in bytes.indices {
            var altered = bytes
            altered[index] ^= 0x01
            #expect(sealer.open(Base64.encode(altered, .url)) == nil)
        }
        #expect(sealer.open("") == nil)
        #expect(sealer.open("not base64!") == nil)
        #expect(sealer.open(String(repeating: "A", count: 17_000)) == nil)
    }

    @Test func aRetiredKeyStillOpensAndAnUnknownKeyDoesNot() {
        let old = SignInKeys { _ in [Array(repeating: 7, count: 32)] }
        let rotated = SignInKeys { _ in [Array(repeating: 8, count: 32), Array(repeating: 7, count: 32)] }
        let other = SignInKeys { _ in [Array(repeating: 9, count: 32)] }
        let sealed = SignInSealer<BrowserSession>(keys: old, purpose: .session).seal(Self.session())
        #expect(SignInSealer<BrowserSession>(keys: rotated, purpose: .session).open(sealed) != nil)
        #expect(SignInSealer<BrowserSession>(keys: other, purpose: .session).open(sealed) == nil)
        // No keys at all: what is sealed never opens.
        let none = SignInKeys { _ in [] }
        let lost = SignInSealer<BrowserSession>(keys: none, purpose: .session)
        #expect(lost.open(lost.seal(Self.session())) == nil)
    }

    @Test func csrfTokensBindTheBrowserAndTheRequest() {
        let browser = BrowserBinding.generate()
        let token = browser.csrfToken(for: "request-1", keys: Self.keys)
        #expect(browser.verifies(csrfToken: token, for: "request-1", keys: Self.keys))
        #expect(!browser.verifies(csrfToken: token, for: "request-2", keys: Self.keys))
        #expect(!BrowserBinding.generate().verifies(csrfToken: token, for: "request-1", keys: Self.keys))
        #expect(!browser.verifies(csrfToken: "", for: "request-1", keys: Self.keys))
        #expect(!browser.verifies(csrfToken: token + "A", for: "request-1", keys: Self.keys))
        #expect(BrowserBinding.generate() != BrowserBinding.generate())
    }

    @Test func onlyThisServersCookiesAreRead() {
        let id = SecretToken.generate()
        var headers = HTTPFieldsFixture.cookie("other=1; mcp-browser=\(id); __Host-mcp-browser=short")
        #expect(SignInCookies.browser(in: headers) == nil)
        headers = HTTPFieldsFixture.cookie("a=b;__Host-mcp-browser=\(id); __Host-mcp-session=s")
        #expect(SignInCookies.browser(in: headers)?.id == id)
        #expect(SignInCookies.values(named: SignInCookies.session, in: headers) == ["s"])
        // A malformed first value does not hide a good second one.
        headers = HTTPFieldsFixture.cookie("__Host-mcp-browser=bad; __Host-mcp-browser=\(id)")
        #expect(SignInCookies.browser(in: headers)?.id == id)
        let set = SignInCookies.setCookie(SignInCookies.session, value: "v", lifetime: .seconds(90))
        #expect(set.value == "__Host-mcp-session=v; Max-Age=90; Path=/; Secure; HttpOnly; SameSite=Lax")
    }

    @Test func promptValues() {
        #expect(AuthorizationPrompt.parse("login consent") == [.login, .consent])
        #expect(AuthorizationPrompt.parse("none") == [AuthorizationPrompt.none])
        #expect(AuthorizationPrompt.parse("none login") == nil)
        #expect(AuthorizationPrompt.parse("create") == [])
        #expect(AuthorizationPrompt.forcesSignIn([.selectAccount]))
        #expect(!AuthorizationPrompt.forcesSignIn([.consent]))
    }
}

enum HTTPFieldsFixture {
    static func cookie(_ value: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.cookie] = value
        return fields
    }
}

extension Array where Element == UInt8 {
    fileprivate var paddedTo32: [UInt8] { Array((self + Array(repeating: 0, count: 32)).prefix(32)) }
}
