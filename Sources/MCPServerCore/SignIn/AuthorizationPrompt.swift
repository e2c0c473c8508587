/// The OpenID Connect `prompt` values (OpenID Connect Core §3.1.2.1) an `/authorize` request may carry.
public enum AuthorizationPrompt: String, Sendable, Hashable, CaseIterable, Codable {
    /// Show nothing: answer at once from the browser's session and a remembered consent, or redirect with
    /// `login_required` / `consent_required`.
    case none
    /// Ask the person to sign in again even when the browser has a session.
    case login
    /// Show the consent page even when the person already allowed these scopes.
    case consent
    /// Let the person choose an account: here, sign in again.
    case selectAccount = "select_account"

    /// The values of a space-separated `prompt`, unknown ones ignored (later specifications add values such as
    /// `create`, which a server that does not know them treats as absent).
    /// - Returns: `nil` when `none` is combined with another value, which the specification forbids.
    public static func parse(_ value: String) -> Set<AuthorizationPrompt>? {
        let prompts = Set(value.split(separator: " ").compactMap { AuthorizationPrompt(rawValue: String($0)) })
        if prompts.contains(.none), prompts.count > 1 { return nil }
        return prompts
    }

    /// Whether `prompts` make the person sign in even with a session.
    public static func forcesSignIn(_ prompts: Set<AuthorizationPrompt>) -> Bool {
        prompts.contains(.login) || prompts.contains(.selectAccount)
    }
}
