import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import MCPServerCore

/// The headers every page carries, as a client receives them through the router.
@Suite("Pages: response headers")
struct PagesResponseTests {
    @Test func headersArePresent() {
        let response = PageResponse.response("<!doctype html>", status: .badRequest)
        #expect(response.status == .badRequest)
        let headers = response.headers
        #expect(headers[.contentType] == "text/html; charset=utf-8")
        #expect(headers[.cacheControl] == "no-store")
        #expect(headers[HTTPField.Name("Pragma")!] == "no-cache")
        #expect(
            headers[.contentSecurityPolicy]
                == "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
        )
        #expect(headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
        #expect(headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
        #expect(headers[.xContentTypeOptions] == "nosniff")
    }

    /// No `form-action`: it would block the redirect after the consent POST (see ``PageResponse``).
    @Test func policyHasNoFormAction() {
        #expect(!PageResponse.contentSecurityPolicy.contains("form-action"))
        #expect(!PageResponse.contentSecurityPolicy.contains("script-src"))
    }

    @Test func renderedPageThroughTheRouter() async throws {
        let renderer = PageRenderer()
        let html = renderer.render(ErrorPage(title: "Unknown application", explanation: "No such client."))
        let router = Router()
        router.get("/page") { _, _ in PageResponse.response(html, status: .badRequest) }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/page", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentLength] == "\(html.utf8.count)")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(String(buffer: response.body) == html)
            }
        }
    }
}
