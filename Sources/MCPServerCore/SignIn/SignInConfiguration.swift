#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How the server signs people in for the authorization code grant: lifetimes of what the flow hands out, login
/// throttles, Client ID Metadata Documents and the upstream OpenID provider, if any.
///
/// Every default is written here, once; `mcp-server serve` flags and the Lambda environment override them.
public struct SignInConfiguration: Sendable {
    /// How long an authorization code may wait to be redeemed (RFC 6749 §4.1.2 recommends at most 10 minutes; a
    /// client redeems it within seconds).
    public var codeLifetime: Duration
    /// A refresh-token family unused this long can no longer be refreshed (`--refresh-idle-lifetime`).
    public var refreshIdleLifetime: Duration
    /// A refresh-token family can never be refreshed after this long from the sign-in (`--refresh-absolute-lifetime`).
    public var refreshAbsoluteLifetime: Duration
    /// How long a browser stays signed in to this server's pages (`--session-lifetime`).
    public var sessionLifetime: Duration
    /// How long a person has from opening `/authorize` to finishing sign-in and consent (sealed request, upstream
    /// login state).
    public var loginLifetime: Duration
    /// Password attempts accepted per person per caller address per minute. Every address together may make ten
    /// times as many for one person, so guessing from many addresses stays bounded while one guesser cannot lock
    /// the person out of signing in from elsewhere.
    public var loginAttemptsPerMinutePerPerson: Int
    /// Password attempts accepted per caller address per minute.
    public var loginAttemptsPerMinutePerIP: Int
    /// Sign-ins sent to the upstream provider per caller address per minute: each one stores login state before
    /// anyone has signed in, so an anonymous caller is bounded in the rows they can make the server write.
    public var upstreamSignInsPerMinutePerIP: Int
    /// Client ID Metadata Documents: `nil` turns them off (a URL `client_id` is then an unknown client).
    public var metadataDocuments: MetadataDocumentPolicy?
    /// The upstream OpenID provider people sign in with; `nil` signs people in with the passwords of
    /// `mcp-server users`.
    public var upstream: UpstreamProviderConfiguration?

    public init(
        codeLifetime: Duration = .seconds(60),
        refreshIdleLifetime: Duration = .seconds(14 * 86_400),
        refreshAbsoluteLifetime: Duration = .seconds(90 * 86_400),
        sessionLifetime: Duration = .seconds(12 * 3_600),
        loginLifetime: Duration = .seconds(600),
        loginAttemptsPerMinutePerPerson: Int = 10,
        loginAttemptsPerMinutePerIP: Int = 30,
        upstreamSignInsPerMinutePerIP: Int = 30,
        metadataDocuments: MetadataDocumentPolicy? = MetadataDocumentPolicy(),
        upstream: UpstreamProviderConfiguration? = nil
    ) {
        self.codeLifetime = codeLifetime
        self.refreshIdleLifetime = refreshIdleLifetime
        self.refreshAbsoluteLifetime = refreshAbsoluteLifetime
        self.sessionLifetime = sessionLifetime
        self.loginLifetime = loginLifetime
        self.loginAttemptsPerMinutePerPerson = loginAttemptsPerMinutePerPerson
        self.loginAttemptsPerMinutePerIP = loginAttemptsPerMinutePerIP
        self.upstreamSignInsPerMinutePerIP = upstreamSignInsPerMinutePerIP
        self.metadataDocuments = metadataDocuments
        self.upstream = upstream
    }
}

/// How Client ID Metadata Documents are fetched (draft-ietf-oauth-client-id-metadata-document).
public struct MetadataDocumentPolicy: Sendable, Hashable {
    /// Whether documents on private, loopback and link-local addresses may be fetched (`--cimd-allow-private`,
    /// for tests); otherwise such addresses are refused, which keeps the fetch from reaching internal services.
    public var allowPrivateAddresses: Bool
    /// PEM certificates trusted besides the system's for document hosts (`--cimd-ca-file`, for tests with a
    /// local https server).
    public var extraTrustRootsPEM: String?
    /// The largest document accepted.
    public var maxBytes: Int
    /// How long one fetch may take, connection included.
    public var timeout: Duration
    /// The longest a document is cached, whatever its caching headers say.
    public var maxCacheLifetime: Duration
    /// How long a document without caching headers is cached.
    public var defaultCacheLifetime: Duration

    public init(
        allowPrivateAddresses: Bool = false,
        extraTrustRootsPEM: String? = nil,
        maxBytes: Int = 5 * 1024,
        timeout: Duration = .seconds(5),
        maxCacheLifetime: Duration = .seconds(24 * 3_600),
        defaultCacheLifetime: Duration = .seconds(300)
    ) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.extraTrustRootsPEM = extraTrustRootsPEM
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.maxCacheLifetime = maxCacheLifetime
        self.defaultCacheLifetime = defaultCacheLifetime
    }
}

/// An upstream OpenID Connect provider people sign in with (Cognito, Okta, Entra ID, Google, Auth0, Keycloak).
public struct UpstreamProviderConfiguration: Sendable, Hashable {
    /// The provider's issuer; its `/.well-known/openid-configuration` is read at start and cached.
    public var issuer: String
    public var clientID: String
    /// The client secret, already read from its file, environment variable or Secrets Manager; `nil` for a public
    /// upstream client (PKCE only).
    public var clientSecret: String?
    /// Scopes asked of the provider.
    public var scopes: [String]
    /// When not empty, only people whose verified email ends in `@` one of these may sign in.
    public var allowedDomains: [String]
    /// When not empty, only these verified emails may sign in (with ``allowedDomains``: either list admits).
    public var allowedEmails: [String]
    /// The ID token claim that lists a person's groups (`cognito:groups`, `groups`).
    public var groupClaim: String?
    /// When not empty, only people in one of these groups (per ``groupClaim``) may sign in.
    public var allowedGroups: [String]
    /// People with these verified emails are admins.
    public var adminEmails: [String]
    /// The name on the sign-in button and pages ("Sign in with …").
    public var displayName: String
    /// PEM certificates trusted besides the system's for the provider (tests).
    public var extraTrustRootsPEM: String?

    public init(
        issuer: String,
        clientID: String,
        clientSecret: String? = nil,
        scopes: [String] = ["openid", "email", "profile"],
        allowedDomains: [String] = [],
        allowedEmails: [String] = [],
        groupClaim: String? = nil,
        allowedGroups: [String] = [],
        adminEmails: [String] = [],
        displayName: String = "your organization",
        extraTrustRootsPEM: String? = nil
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.allowedDomains = allowedDomains
        self.allowedEmails = allowedEmails
        self.groupClaim = groupClaim
        self.allowedGroups = allowedGroups
        self.adminEmails = adminEmails
        self.displayName = displayName
        self.extraTrustRootsPEM = extraTrustRootsPEM
    }
}
