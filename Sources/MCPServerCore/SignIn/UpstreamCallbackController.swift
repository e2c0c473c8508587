import Hummingbird
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `GET /oidc/callback`: where the upstream OpenID provider sends the browser back. The provider
/// (``UpstreamIdentityProvider/finishSignIn(query:browserHash:callbackURL:now:)``) finishes the sign-in; then the
/// sealed request it kept resumes with a new session, as after a password sign-in.
struct UpstreamCallbackController: Sendable {
    let flow: SignInFlow

    @Sendable func callback(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        let now = self.flow.server.now()
        do {
            guard let upstream = self.flow.server.upstream else {
                throw SignInPageError(
                    .notFound,
                    "Nothing to finish here",
                    "This server does not sign people in with another provider.",
                    logDetail: "upstream callback without an upstream provider"
                )
            }
            let query = try Self.parameters(request.uri.query ?? "")
            guard let browser = SignInCookies.browser(in: request.headers) else {
                throw SignInPageError.forbidden(logDetail: "upstream callback without the browser cookie")
            }
            let finished: UpstreamSignIn
            do {
                finished = try await upstream.finishSignIn(
                    query: query,
                    browserHash: browser.hash,
                    callbackURL: context.urls.upstreamCallback,
                    now: now
                )
            } catch let error as UpstreamSignInError {
                AuditLog.record(
                    "sign_in.upstream",
                    outcome: "failure",
                    clientID: nil,
                    sourceIP: context.clientIPAddress,
                    detail: error.logDetail,
                    logger: context.logger
                )
                throw SignInPageError(.badRequest, "Sign-in did not finish", error.message, logDetail: error.logDetail)
            } catch {
                throw SignInPageError.providerUnavailable(error)
            }
            let pending = try self.flow.openRequest(
                finished.sealedRequest,
                browser: browser,
                urls: context.urls,
                now: now
            )
            AuditLog.record(
                "sign_in.upstream",
                outcome: "success",
                clientID: pending.clientID,
                sourceIP: context.clientIPAddress,
                detail: "person=\(finished.person.id)",
                logger: context.logger
            )
            let (signedIn, cookies) = self.flow.startSession(
                for: finished.person,
                browser: browser,
                urls: context.urls,
                now: now
            )
            var response = try await self.flow.continueSignedIn(
                pending,
                sealed: finished.sealedRequest,
                signedIn: signedIn,
                browser: browser,
                context: context,
                now: now
            )
            response.headers.append(contentsOf: cookies)
            return response
        } catch let error as SignInPageError {
            return self.flow.errorPage(error, context: context)
        }
    }

    /// The callback's parameters, each present at most once.
    static func parameters(_ rawQuery: String) throws(SignInPageError) -> [String: String] {
        guard rawQuery.utf8.count <= AuthorizationQuery.maxBytes, let pairs = FormURLEncoded.parse(Array(rawQuery.utf8))
        else { throw .badForm("the callback query is too long or malformed") }
        var parameters: [String: String] = [:]
        for (name, value) in pairs where parameters.updateValue(value, forKey: name) != nil {
            throw .badForm("callback parameter \(name.prefix(40)) appears more than once")
        }
        return parameters
    }
}
