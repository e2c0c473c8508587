#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A device authorization (RFC 8628 §3.2): the code a person enters at the verification URI, and the device code
/// the bridge polls the token endpoint with until they have.
///
/// `Codable` so that a restarted bridge can go on polling the same sign-in instead of showing a new code. The
/// device code is a secret; the user code and URI are what the person is shown.
public struct DeviceAuthorization: Codable, Sendable, Hashable {
    public var deviceCode: String
    /// The code the person types in.
    public var userCode: String
    /// Where the person goes to type it.
    public var verificationURI: String
    /// The same with the code already in it, when the server offers one.
    public var verificationURIComplete: String?
    /// How long the codes are valid, in seconds, from ``receivedAt``.
    public var expiresIn: Int
    /// Seconds between two polls (RFC 8628 §3.5).
    public var interval: Int
    public var receivedAt: Date

    /// The polling interval when the server names none (RFC 8628 §3.2).
    public static let defaultInterval = 5
    /// What `slow_down` adds to the interval (RFC 8628 §3.5).
    public static let slowDownIncrement = 5
    /// The longest interval used, however often the server asks to slow down or the network times out.
    static let maximumInterval = 60
    /// The longest lifetime believed: a code valid for days would keep a forgotten bridge polling.
    static let maximumLifetime = 3600

    public init(
        deviceCode: String,
        userCode: String,
        verificationURI: String,
        verificationURIComplete: String? = nil,
        expiresIn: Int,
        interval: Int = DeviceAuthorization.defaultInterval,
        receivedAt: Date = Date()
    ) {
        self.deviceCode = deviceCode
        self.userCode = userCode
        self.verificationURI = verificationURI
        self.verificationURIComplete = verificationURIComplete
        self.expiresIn = expiresIn
        self.interval = interval
        self.receivedAt = receivedAt
    }

    /// When the codes stop working.
    public var expiresAt: Date { self.receivedAt.addingTimeInterval(TimeInterval(self.expiresIn)) }

    enum CodingKeys: String, CodingKey {
        case interval
        case deviceCode = "device_code"
        case userCode = "user_code"
        case verificationURI = "verification_uri"
        case verificationURIComplete = "verification_uri_complete"
        case expiresIn = "expires_in"
        case receivedAt = "received_at"
    }

    /// The device authorization response as servers send it (RFC 8628 §3.2), before it is checked.
    struct Response: Decodable {
        var deviceCode: String
        var userCode: String
        var verificationURI: String?
        /// Google's spelling from before the RFC.
        var verificationURL: String?
        var verificationURIComplete: String?
        var expiresIn: Int
        var interval: Int?

        enum CodingKeys: String, CodingKey {
            case interval
            case deviceCode = "device_code"
            case userCode = "user_code"
            case verificationURI = "verification_uri"
            case verificationURL = "verification_url"
            case verificationURIComplete = "verification_uri_complete"
            case expiresIn = "expires_in"
        }
    }

    /// The checked authorization of `response`: codes of sane length, verification URIs that are web addresses
    /// (they are printed for a person to open), lifetime and interval within bounds.
    init(_ response: Response, receivedAt: Date, allowPlainHTTP: Bool) throws(BridgeError) {
        guard let verificationURI = response.verificationURI ?? response.verificationURL else {
            throw .authorization("the device authorization response has no verification_uri")
        }
        guard (1...4096).contains(response.deviceCode.utf8.count), (1...128).contains(response.userCode.utf8.count),
            Self.isDisplayable(response.userCode, space: true)
        else {
            throw .authorization("the device authorization response has an unusable device_code or user_code")
        }
        try Self.checkWebAddress(verificationURI, allowPlainHTTP: allowPlainHTTP)
        if let complete = response.verificationURIComplete {
            try Self.checkWebAddress(complete, allowPlainHTTP: allowPlainHTTP)
        }
        guard response.expiresIn > 0 else {
            throw .authorization("the device authorization response has expires_in \(response.expiresIn)")
        }
        self.init(
            deviceCode: response.deviceCode,
            userCode: response.userCode,
            verificationURI: verificationURI,
            verificationURIComplete: response.verificationURIComplete,
            expiresIn: min(response.expiresIn, Self.maximumLifetime),
            interval: min(max(response.interval ?? Self.defaultInterval, 1), Self.maximumInterval),
            receivedAt: receivedAt
        )
    }

    private static func checkWebAddress(_ text: String, allowPlainHTTP: Bool) throws(BridgeError) {
        guard text.utf8.count <= 2048, Self.isDisplayable(text), let url = URL(string: text),
            let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false,
            scheme == "https" || (scheme == "http" && (allowPlainHTTP || NetworkSettings.isLoopback(url)))
        else {
            throw .authorization("the device authorization response's verification URI is not an https:// address")
        }
    }

    /// Printable ASCII only (spaces only where asked): these are written to a terminal and the host's log.
    private static func isDisplayable(_ text: String, space: Bool = false) -> Bool {
        text.utf8.allSatisfy { (0x21...0x7E).contains($0) || (space && $0 == 0x20) }
    }
}
