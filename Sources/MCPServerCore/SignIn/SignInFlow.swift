import HTTPTypes
import Hummingbird
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The steps of the browser side of the authorization code flow that several routes share: reading the session,
/// asking the person to sign in, asking for consent, and issuing the code.
///
/// `/authorize`, the sign-in form, the consent form and the upstream callback each bring the flow to a different
/// point; from there on they all continue here, so a rule (a remembered consent, `prompt=none`) is written once.
struct SignInFlow: Sendable {
    let server: AuthorizationServer
    let keys: SignInKeys
    let requests: SignInSealer<PendingAuthorization>
    let sessions: SignInSealer<BrowserSession>

    init(server: AuthorizationServer) {
        self.server = server
        self.keys = SignInKeys.derived(from: server.keyRing)
        self.requests = SignInSealer(keys: self.keys, purpose: .request)
        self.sessions = SignInSealer(keys: self.keys, purpose: .session)
    }

    var configuration: SignInConfiguration { self.server.configuration.signIn }

    /// The browser cookie outlives the longest session started with it.
    var browserCookieLifetime: Duration { self.configuration.sessionLifetime + self.configuration.loginLifetime }

    /// A signed-in person, as the session cookie and the store agree.
    struct SignedIn: Sendable {
        var session: BrowserSession
        var person: StoredPerson
    }

    // MARK: Sealed requests and sessions

    /// Opens a sealed request a form or the upstream callback brought back.
    /// - Throws: ``SignInPageError`` when it was altered or sealed elsewhere, belongs to another browser or
    ///   deployment, or has expired.
    func openRequest(
        _ sealed: String,
        browser: BrowserBinding,
        urls: ServerURLs,
        now: Date
    ) throws(SignInPageError) -> PendingAuthorization {
        guard let pending = self.requests.open(sealed) else {
            throw .badForm("the sealed request does not open (altered, foreign, or under a retired key)")
        }
        guard browser.matches(hash: pending.browserHash) else {
            throw .forbidden(logDetail: "the sealed request belongs to another browser")
        }
        guard pending.resource == urls.resource else {
            throw .badForm("the sealed request was made for \(pending.resource)")
        }
        guard Int64(now.timeIntervalSince1970) < pending.expiresAt else { throw .expired }
        return pending
    }

    /// The person signed in in this browser, or `nil`: no session cookie, one that does not open, another
    /// browser's, another deployment's, an expired one, or one whose person was deleted or changed their password
    /// since.
    func signedIn(
        _ headers: HTTPFields,
        browser: BrowserBinding?,
        urls: ServerURLs,
        now: Date
    ) async throws -> SignedIn? {
        guard let browser else { return nil }
        let candidates = SignInCookies.values(named: SignInCookies.session, in: headers).lazy.compactMap {
            self.sessions.open(String($0))
        }
        // Another deployment on this host (a sibling stage) sends its cookie here too: it is simply not ours.
        guard
            let session = candidates.first(where: {
                browser.matches(hash: $0.browserHash) && $0.resource == urls.resource
            }),
            Int64(now.timeIntervalSince1970) < session.expiresAt,
            let person = try await self.server.store.person(id: session.personID),
            person.credentialVersion == session.credentialVersion
        else { return nil }
        return SignedIn(session: session, person: person)
    }

    /// A new session for `person` in `browser` on the deployment at `urls`: the session cookie, and the browser
    /// cookie again so it lasts at least as long.
    func startSession(
        for person: StoredPerson,
        browser: BrowserBinding,
        urls: ServerURLs,
        now: Date
    ) -> (SignedIn, [HTTPField]) {
        let session = BrowserSession(
            person: person,
            browser: browser,
            resource: urls.resource,
            now: now,
            lifetime: self.configuration.sessionLifetime
        )
        let cookies = [
            SignInCookies.setCookie(SignInCookies.browser, value: browser.id, lifetime: self.browserCookieLifetime),
            SignInCookies.setCookie(
                SignInCookies.session,
                value: self.sessions.seal(session),
                lifetime: self.configuration.sessionLifetime
            ),
        ]
        return (SignedIn(session: session, person: person), cookies)
    }

    // MARK: Steps

    /// Asks the person to sign in: at the upstream provider when there is one, else with the password form.
    ///
    /// Going upstream stores login state for a caller nobody knows yet, so it is limited per caller address
    /// (``SignInConfiguration/upstreamSignInsPerMinutePerIP``); past the limit the answer is a 429 page.
    /// - Parameters:
    ///   - message: shown above the form (a wrong password, too many attempts).
    ///   - username: filled in again after a failed attempt.
    func askToSignIn(
        _ pending: PendingAuthorization,
        sealed: String,
        browser: BrowserBinding,
        context: some MCPRequestContext,
        now: Date,
        message: String? = nil,
        username: String = "",
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        if let upstream = self.server.upstream {
            if let refusal = try await self.server.countRateLimit(
                RateLimitKey.upstreamSignIn(ip: context.clientIPAddress),
                perMinute: self.configuration.upstreamSignInsPerMinutePerIP,
                now: now
            ) {
                AuditLog.record(
                    "sign_in.upstream",
                    outcome: "throttled",
                    clientID: pending.clientID,
                    sourceIP: context.clientIPAddress,
                    detail: "upstream sign-ins from this address are past their limit",
                    logger: context.logger
                )
                var response = self.errorPage(Self.tooManyUpstreamSignIns, context: context)
                if let retryAfter = refusal.extraHeaders[.retryAfter] { response.headers[.retryAfter] = retryAfter }
                return response
            }
            do {
                let url = try await upstream.beginSignIn(
                    sealedRequest: sealed,
                    browserHash: browser.hash,
                    callbackURL: context.urls.upstreamCallback,
                    // The provider's own session would otherwise sign the person in silently, defeating the
                    // client's request to see them sign in again.
                    forceLogin: AuthorizationPrompt.forcesSignIn(pending.prompts),
                    now: now
                )
                return Self.redirect(to: url)
            } catch let error as UpstreamSignInError {
                throw SignInPageError(
                    .badGateway,
                    "Sign-in is not available",
                    error.message,
                    logDetail: error.logDetail
                )
            } catch {
                throw SignInPageError.providerUnavailable(error)
            }
        }
        let page = SignInPage(
            action: context.urls.signIn,
            clientName: pending.clientName,
            clientHost: pending.clientHost,
            redirectHost: pending.redirectHost,
            csrfToken: browser.csrfToken(for: sealed, keys: self.keys),
            sealedRequest: sealed,
            username: username,
            errorMessage: message
        )
        return PageResponse.response(self.server.pages.render(page), status: status)
    }

    /// Continues with a signed-in person: the code at once when they already allowed these scopes, the request
    /// does not ask for consent again, and the client's identity is assured
    /// (``PendingAuthorization/mayBeApprovedWithoutAPage``); else the consent page, or `consent_required` for
    /// `prompt=none`.
    func continueSignedIn(
        _ pending: PendingAuthorization,
        sealed: String,
        signedIn: SignedIn,
        browser: BrowserBinding,
        context: some MCPRequestContext,
        now: Date
    ) async throws -> Response {
        let consent = try await self.server.store.consent(personID: signedIn.person.id, clientID: pending.clientID)
        let remembered = consent.map { Set(pending.scopes).isSubset(of: $0.scopes) } ?? false
        if remembered, pending.mayBeApprovedWithoutAPage, !pending.prompts.contains(.consent) {
            return try await self.issueCode(pending, signedIn: signedIn, context: context, now: now)
        }
        if pending.prompts.contains(.none) {
            let reason =
                remembered && !pending.mayBeApprovedWithoutAPage
                ? "this client's requests are approved only on the consent page" : "the person has not allowed this"
            return Self.redirect(to: pending.refusal("consent_required", reason, issuer: context.urls.issuer))
        }
        let page = ConsentPage(
            action: context.urls.consent,
            clientName: pending.clientName,
            clientHost: pending.clientHost,
            redirectHost: pending.redirectHost,
            redirectKind: pending.consentRedirectKind,
            signedInAs: Self.name(of: signedIn.person),
            scopes: pending.scopes.map(ConsentPage.Scope.describing),
            csrfToken: browser.csrfToken(for: sealed, keys: self.keys),
            sealedRequest: sealed
        )
        return PageResponse.response(self.server.pages.render(page))
    }

    /// Issues the code for `pending` and redirects the browser to the client with it.
    func issueCode(
        _ pending: PendingAuthorization,
        signedIn: SignedIn,
        context: some MCPRequestContext,
        now: Date
    ) async throws -> Response {
        let code = try await AuthorizationCodeIssuer(
            store: self.server.store,
            lifetime: self.configuration.codeLifetime
        )
        .issue(for: pending, personID: signedIn.person.id, authTime: signedIn.session.authenticatedAt, now: now)
        AuditLog.record(
            "authorization_code.issued",
            outcome: "success",
            clientID: pending.clientID,
            sourceIP: context.clientIPAddress,
            detail: "person=\(signedIn.person.id)",
            logger: context.logger
        )
        return Self.redirect(
            to: AuthorizationResponseURL.success(
                redirectURI: pending.redirectURI,
                code: code,
                state: pending.state,
                issuer: context.urls.issuer
            )
        )
    }

    // MARK: Responses

    /// A 303 to `url`, never cached and sending no `Referer` on.
    static func redirect(to url: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = url
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .seeOther, headers: headers)
    }

    /// The error page for `error`, its log detail logged.
    func errorPage(_ error: SignInPageError, context: some MCPRequestContext) -> Response {
        context.logger.info(
            "Sign-in page refused",
            metadata: ["status": "\(error.status.code)", "reason": .string(error.logDetail ?? error.title)]
        )
        return PageResponse.response(self.server.pages.render(error.page), status: error.status)
    }

    static let tooManyUpstreamSignIns = SignInPageError(
        .tooManyRequests,
        "Too many sign-ins",
        "Too many sign-ins were started from your network. Wait a minute and try again.",
        logDetail: "upstream sign-ins from this address are past their limit"
    )

    /// How a person recognises themselves on the consent page.
    static func name(of person: StoredPerson) -> String {
        person.displayName ?? person.username ?? person.email ?? person.id
    }
}
