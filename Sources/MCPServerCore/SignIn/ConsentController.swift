import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /authorize/consent`: the person's answer on the consent page (after ``SignInForm``'s checks).
///
/// It counts only with a session in this browser; without one (it expired, the password changed) the person is
/// asked to sign in again, with the same request. Deny sends the client `access_denied`; Allow remembers the
/// scopes (added to what the person allowed the client before) and issues the code.
struct ConsentController: Sendable {
    let flow: SignInFlow

    @Sendable func consent(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        let now = self.flow.server.now()
        do {
            let form = try await SignInForm.read(request, context: context, flow: self.flow, now: now)
            guard
                let signedIn = try await self.flow.signedIn(
                    request.headers,
                    browser: form.browser,
                    urls: context.urls,
                    now: now
                )
            else {
                return try await self.flow.askToSignIn(
                    form.pending,
                    sealed: form.sealedRequest,
                    browser: form.browser,
                    context: context,
                    now: now,
                    message: "Your session has ended. Sign in again to continue."
                )
            }
            let pending = form.pending
            switch form.fields[ConsentPage.Field.action] {
            case ConsentPage.Field.deny:
                self.audit("consent.denied", pending, signedIn, context)
                return SignInFlow.redirect(
                    to: pending.refusal("access_denied", "the person denied access", issuer: context.urls.issuer)
                )
            case ConsentPage.Field.allow:
                let store = self.flow.server.store
                let earlier = try await store.consent(personID: signedIn.person.id, clientID: pending.clientID)
                var scopes = earlier?.scopes ?? []
                scopes += pending.scopes.filter { !scopes.contains($0) }
                try await store.saveConsent(
                    StoredConsent(
                        personID: signedIn.person.id,
                        clientID: pending.clientID,
                        scopes: scopes,
                        createdAt: earlier?.createdAt ?? now,
                        updatedAt: now
                    )
                )
                self.audit("consent.granted", pending, signedIn, context)
                return try await self.flow.issueCode(pending, signedIn: signedIn, context: context, now: now)
            default:
                throw SignInPageError.badForm("the consent answer is neither allow nor deny")
            }
        } catch let error as SignInPageError {
            return self.flow.errorPage(error, context: context)
        }
    }

    private func audit(
        _ event: String,
        _ pending: PendingAuthorization,
        _ signedIn: SignInFlow.SignedIn,
        _ context: some MCPRequestContext
    ) {
        AuditLog.record(
            event,
            outcome: "success",
            clientID: pending.clientID,
            sourceIP: context.clientIPAddress,
            detail: "person=\(signedIn.person.id) scope=\(pending.scopes.joined(separator: " "))",
            logger: context.logger
        )
    }
}
