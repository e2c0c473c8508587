import HTTPTypes
import Hummingbird

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /authorize/sign-in`: checks a username and password from the sign-in form (after ``SignInForm``'s
/// checks), then starts a session and continues to consent.
///
/// Attempts are throttled before any password is checked, so guessing costs the guesser and never more bcrypt
/// work than the limits allow: per address, per username from that address, and per username from everywhere at
/// ten times that. The per-username limit counts per address so that a stranger's wrong guesses cannot lock a
/// person out of signing in from their own network; the global ceiling keeps guessing from many addresses bounded. A wrong password and an unknown username get the same
/// message and the same bcrypt work (``PasswordHasher/verifyUnknownPerson(_:)``). The password is never logged.
struct SignInFormController: Sendable {
    let flow: SignInFlow

    /// What a person reads after a failed attempt; the same whether the username exists or not.
    static let wrongCredentials = "Wrong username or password."
    static let tooManyAttempts = "Too many sign-in attempts. Wait a minute and try again."
    static let busy = "The server is busy checking other sign-ins. Try again in a few seconds."
    /// Usernames longer than this are not filled in again (nobody has one; it is someone's paste).
    static let maxEchoedUsername = 256

    @Sendable func signIn(_ request: Request, context: some MCPRequestContext) async throws -> Response {
        let now = self.flow.server.now()
        let server = self.flow.server
        do {
            let form = try await SignInForm.read(request, context: context, flow: self.flow, now: now)
            guard server.upstream == nil else {
                throw SignInPageError.badForm("password sign-in is off: people sign in upstream")
            }
            let typed = form.fields[SignInPage.Field.username] ?? ""
            let password = form.fields[SignInPage.Field.password] ?? ""
            let username = try? Username(normalizing: typed)
            let retry = { (message: String, status: HTTPResponse.Status) in
                try await self.flow.askToSignIn(
                    form.pending,
                    sealed: form.sealedRequest,
                    browser: form.browser,
                    context: context,
                    now: now,
                    message: message,
                    username: typed.count <= Self.maxEchoedUsername ? typed : "",
                    status: status
                )
            }

            if let refusal = try await self.throttle(username: username, context: context, now: now) {
                self.audit("throttled", form, context, detail: nil)
                var response = try await retry(Self.tooManyAttempts, .tooManyRequests)
                if let retryAfter = refusal.extraHeaders[.retryAfter] { response.headers[.retryAfter] = retryAfter }
                return response
            }
            let person: StoredPerson?
            do {
                person = try await self.verify(username: username, password: password)
            } catch PasswordHashingError.busy {
                // Not the person's mistake, and not a wrong password: the server is checking too many at once.
                self.audit("busy", form, context, detail: nil)
                var response = try await retry(Self.busy, .serviceUnavailable)
                response.headers[.retryAfter] = "5"
                return response
            }
            guard let person else {
                self.audit("failure", form, context, detail: "wrong username or password")
                return try await retry(Self.wrongCredentials, .badRequest)
            }
            self.audit("success", form, context, detail: "person=\(person.id)")
            let (signedIn, cookies) = self.flow.startSession(
                for: person,
                browser: form.browser,
                urls: context.urls,
                now: now
            )
            var response = try await self.flow.continueSignedIn(
                form.pending,
                sealed: form.sealedRequest,
                signedIn: signedIn,
                browser: form.browser,
                context: context,
                now: now
            )
            response.headers.append(contentsOf: cookies)
            return response
        } catch let error as SignInPageError {
            return self.flow.errorPage(error, context: context)
        }
    }

    /// How many times the per-person limit every address together may use for one username.
    static let globalPerPersonFactor = 10

    /// Counts the attempt against the address, then the username from that address, then the username from
    /// everywhere; the 429 of the first limit passed. A refused attempt is not counted against the later limits,
    /// so a guesser stopped at their own limit does not use up the person's global one.
    private func throttle(
        username: Username?,
        context: some MCPRequestContext,
        now: Date
    ) async throws -> OAuthHTTPError? {
        let server = self.flow.server
        if let refusal = try await server.countRateLimit(
            RateLimitKey.signIn(ip: context.clientIPAddress),
            perMinute: self.flow.configuration.loginAttemptsPerMinutePerIP,
            now: now
        ) {
            return refusal
        }
        // A name that does not normalize is no one's: nothing to protect, and nothing to count it under.
        guard let username else { return nil }
        let perPerson = self.flow.configuration.loginAttemptsPerMinutePerPerson
        if let refusal = try await server.countRateLimit(
            RateLimitKey.signIn(username: username, ip: context.clientIPAddress),
            perMinute: perPerson,
            now: now
        ) {
            return refusal
        }
        let (ceiling, overflow) = perPerson.multipliedReportingOverflow(by: Self.globalPerPersonFactor)
        return try await server.countRateLimit(
            RateLimitKey.signIn(username: username),
            perMinute: overflow ? Int.max : ceiling,
            now: now
        )
    }

    /// The person `username` and `password` name, or `nil`.
    private func verify(username: Username?, password: String) async throws -> StoredPerson? {
        let passwords = self.flow.server.passwords
        guard let username else { return nil }
        let person = try await self.flow.server.store.person(username: username.value)
        do {
            guard let person, let hash = person.passwordHash else {
                _ = try await passwords.verifyUnknownPerson(password)
                return nil
            }
            return try await passwords.verify(password, against: hash) ? person : nil
        } catch PasswordHashingError.busy {
            throw PasswordHashingError.busy
        } catch is PasswordHashingError {
            // A password no hash can match (empty, over 72 bytes, NUL) is just a wrong password.
            return nil
        }
    }

    private func audit(
        _ outcome: String,
        _ form: SignInForm,
        _ context: some MCPRequestContext,
        detail: String?
    ) {
        AuditLog.record(
            "sign_in.password",
            outcome: outcome,
            clientID: form.pending.clientID,
            sourceIP: context.clientIPAddress,
            detail: detail,
            logger: context.logger
        )
    }
}
