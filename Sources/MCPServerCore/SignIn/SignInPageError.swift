import HTTPTypes

/// A refusal the sign-in pages show on this server's error page, never as a redirect: a form that failed its
/// checks, an expired request, an upstream sign-in that went wrong.
///
/// ``title`` and ``explanation`` are for the person; ``logDetail`` (when set) is for the server log only.
struct SignInPageError: Error, Sendable, Hashable {
    let status: HTTPResponse.Status
    let title: String
    let explanation: String
    let logDetail: String?

    init(_ status: HTTPResponse.Status, _ title: String, _ explanation: String, logDetail: String? = nil) {
        self.status = status
        self.title = title
        self.explanation = explanation
        self.logDetail = logDetail
    }

    var page: ErrorPage { ErrorPage(title: self.title, explanation: self.explanation) }

    /// What a person reads when a form is refused before anything in it is trusted; the same words whichever
    /// check failed, so the page teaches an attacker nothing.
    static let startAgain = "Go back to the application you were connecting and start again."

    static func forbidden(logDetail: String) -> SignInPageError {
        SignInPageError(
            .forbidden,
            "This form cannot be accepted",
            "It was not sent from this site's own page in this browser, or your browser does not keep cookies "
                + "for this site. " + Self.startAgain,
            logDetail: logDetail
        )
    }

    static func badForm(_ logDetail: String) -> SignInPageError {
        SignInPageError(
            .badRequest,
            "This form cannot be accepted",
            "It is incomplete or was changed on the way. " + Self.startAgain,
            logDetail: logDetail
        )
    }

    /// The upstream provider failed in a way it did not explain (unreachable, a store error on the way).
    static func providerUnavailable(_ error: any Error) -> SignInPageError {
        SignInPageError(
            .badGateway,
            "Sign-in is not available",
            "The sign-in provider cannot be reached right now. Try again in a minute.",
            logDetail: "upstream provider: \(error)"
        )
    }

    static let expired = SignInPageError(
        .badRequest,
        "This sign-in has expired",
        "Signing in took longer than allowed. " + SignInPageError.startAgain,
        logDetail: "sealed request expired"
    )
}
