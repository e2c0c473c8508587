import HTTPTypes
public import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `GET /authorize`: validates the request (``AuthorizationRequest``), seals it for this browser, and continues
/// with whoever is signed in here, or asks the person to sign in.
///
/// Refusals about the client or the redirect URI are a 400 page; others go back to the client's redirect URI
/// with `error`, `state` and `iss` (``AuthorizationError``). A browser without a browser cookie gets one here.
struct AuthorizeController: Sendable {
    let flow: SignInFlow

    /// What a person reads when a client's metadata document cannot be fetched or used, whatever the reason.
    static let unusableMetadataDocument = "This app's description could not be loaded from its address."

    @Sendable func authorize(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        let now = self.flow.server.now()
        let authorization: AuthorizationRequest
        let client: KnownClient
        do {
            (authorization, client) = try await self.validate(request, context: context, now: now)
        } catch let error as AuthorizationError {
            AuditLog.record(
                "authorize.refused",
                outcome: error.error,
                clientID: nil,
                sourceIP: context.clientIPAddress,
                // Part of it may echo the query (a scope name): bounded.
                detail: String(error.description.prefix(200)),
                logger: context.logger
            )
            guard let url = error.redirectURL else {
                let page = ErrorPage(title: "This sign-in link cannot be used", explanation: error.description)
                return PageResponse.response(self.flow.server.pages.render(page), status: .badRequest)
            }
            return SignInFlow.redirect(to: url)
        } catch let error as SignInPageError {
            return self.flow.errorPage(error, context: context)
        }

        var cookies: [HTTPField] = []
        let browser: BrowserBinding
        if let known = SignInCookies.browser(in: request.headers) {
            browser = known
        } else {
            browser = .generate()
            cookies.append(
                SignInCookies.setCookie(
                    SignInCookies.browser,
                    value: browser.id,
                    lifetime: self.flow.browserCookieLifetime
                )
            )
        }
        let pending = PendingAuthorization(
            authorization,
            client: client,
            browserHash: browser.hash,
            expiresAt: now.addingTimeInterval(TimeInterval(self.flow.configuration.loginLifetime.components.seconds))
        )
        let sealed = self.flow.requests.seal(pending)

        var response: Response
        do {
            let signedIn =
                AuthorizationPrompt.forcesSignIn(pending.prompts)
                ? nil
                : try await self.flow.signedIn(request.headers, browser: browser, urls: context.urls, now: now)
            if let signedIn {
                response = try await self.flow.continueSignedIn(
                    pending,
                    sealed: sealed,
                    signedIn: signedIn,
                    browser: browser,
                    context: context,
                    now: now
                )
            } else if pending.prompts.contains(.none) {
                response = SignInFlow.redirect(
                    to: pending.refusal("login_required", "nobody is signed in", issuer: context.urls.issuer)
                )
            } else {
                response = try await self.flow.askToSignIn(
                    pending,
                    sealed: sealed,
                    browser: browser,
                    context: context,
                    now: now
                )
            }
        } catch let error as SignInPageError {
            response = self.flow.errorPage(error, context: context)
        }
        response.headers.append(contentsOf: cookies)
        return response
    }

    /// The request and its client.
    /// - Throws: ``AuthorizationError``; ``SignInPageError`` when the client's metadata document cannot be used.
    private func validate(
        _ request: Request,
        context: some MCPRequestContext,
        now: Date
    ) async throws -> (AuthorizationRequest, KnownClient) {
        let query = try AuthorizationQuery(rawQuery: request.uri.query ?? "")
        var client: KnownClient?
        if let id = query.clientID {
            do {
                client = try await self.flow.server.clients.client(id: id, now: now)
            } catch let error as ClientMetadataDocumentError {
                // The reason stays in the log: it can quote what the document's host sent, and the page is this
                // server's voice, which must not carry text a stranger chose.
                let detail = "client metadata document \(id.prefix(200)): \(error.description.prefix(300))"
                AuditLog.record(
                    "authorize.refused",
                    outcome: "invalid_client_metadata",
                    clientID: nil,
                    sourceIP: context.clientIPAddress,
                    detail: detail,
                    logger: context.logger
                )
                throw SignInPageError(
                    .badRequest,
                    "This application cannot be used",
                    Self.unusableMetadataDocument,
                    logDetail: detail
                )
            }
        }
        let authorization = try AuthorizationRequest(
            query: query,
            client: client?.authorizationClient,
            mcpURL: context.urls.resource,
            issuer: context.urls.issuer
        )
        // AuthorizationRequest refuses a request without a client, so there is one here.
        guard let client else { throw AuthorizationError.showOnPage(error: "invalid_client", description: "unknown") }
        return (authorization, client)
    }
}
