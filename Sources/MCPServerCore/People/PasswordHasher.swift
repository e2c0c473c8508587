import HummingbirdBcrypt
import NIOCore
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hashes and checks people's passwords with bcrypt (hummingbird-auth's `HummingbirdBcrypt`).
///
/// - bcrypt is CPU-bound on purpose (about a quarter of a second at cost 12), so both directions run on
///   `NIOThreadPool.singleton`, never on the cooperative pool, where they would stall every other task.
/// - Anyone can make the server check a password, so at most ``maxChecksRunning`` hashes and checks run at once
///   and ``maxChecksWaiting`` more wait, process-wide; past that they fail at once with
///   ``PasswordHashingError/busy``. A flood of sign-in attempts then costs its senders a "try again" instead of
///   an unbounded line of quarter-second jobs in front of everyone else's, and of the pool's other work.
/// - Passwords are NFC-normalized first, so the same password typed on systems that compose accents differently
///   still matches (RFC 8265's OpaqueString profile does the same).
/// - bcrypt keys are C strings of at most 72 bytes: the library silently drops everything after byte 72 and
///   stops at a NUL. Both are refused here, when hashing and when checking, so no two different passwords can
///   match the same hash that way.
/// - A sign-in for a username that does not exist calls ``verifyUnknownPerson(_:)``, which does the same bcrypt
///   work at the same cost and answers `false`, so the response time does not tell which usernames exist.
public struct PasswordHasher: Sendable {
    /// The cost (log2 of bcrypt's rounds) new hashes get unless the operator picks another.
    public static let defaultCost = 12
    /// The costs bcrypt accepts; `HummingbirdBcrypt` traps outside them, so ``init(cost:)`` checks first.
    public static let costs = 4...31
    /// bcrypt's key limit in bytes; longer passwords are refused rather than truncated.
    public static let maximumBytes = 72
    /// The shortest new password, in Unicode characters (NIST SP 800-63B §5.1.1.2 counts code points). Checking
    /// an existing password does not enforce it, so raising it later locks nobody out.
    public static let minimumCharacters = 8
    /// The most hashes and checks running at once, process-wide: enough to keep every core busy while one
    /// finishes and the next starts, few enough that the thread pool's other work still gets a turn.
    public static let maxChecksRunning = max(4, 2 * System.coreCount)
    /// The most hashes and checks waiting for a running place, process-wide. At cost 12 the last in line waits
    /// for about `(maxChecksRunning + maxChecksWaiting) / cores` quarter-seconds, a couple of seconds.
    public static let maxChecksWaiting = 4 * PasswordHasher.maxChecksRunning
    /// Shared by every hasher: the limit is on the process's bcrypt work, not per hasher.
    private static let sharedAdmission = ConcurrencyLimiter(
        maxRunning: PasswordHasher.maxChecksRunning,
        maxWaiting: PasswordHasher.maxChecksWaiting
    )

    /// The cost of the hashes this hasher makes, and of the stand-in hash for unknown people.
    public let cost: Int
    /// A well-formed bcrypt hash at ``cost`` that no password is expected to match: `verifyUnknownPerson` checks
    /// against it so an unknown username costs the same bcrypt work as a known one.
    let unknownPersonHash: String
    /// Where hashes and checks wait for their turn; process-wide except in tests.
    let admission: ConcurrencyLimiter

    /// A hasher at ``defaultCost``.
    public static let standard = PasswordHasher(checkedCost: PasswordHasher.defaultCost)

    /// - Throws: ``PasswordHashingError/costOutOfRange(_:)`` outside ``costs``.
    public init(cost: Int = PasswordHasher.defaultCost) throws(PasswordHashingError) {
        try self.init(cost: cost, admission: Self.sharedAdmission)
    }

    /// Tests: a limiter of their own, with places they can hold.
    init(cost: Int, admission: ConcurrencyLimiter) throws(PasswordHashingError) {
        guard Self.costs.contains(cost) else { throw .costOutOfRange(cost) }
        self.cost = cost
        self.unknownPersonHash = Self.standInHash(cost: cost)
        self.admission = admission
    }

    /// For costs known to be in ``costs``.
    private init(checkedCost cost: Int) {
        self.cost = cost
        self.unknownPersonHash = Self.standInHash(cost: cost)
        self.admission = Self.sharedAdmission
    }

    /// A new `$2b$` hash of `password` with a random salt, for storing.
    ///
    /// - Throws: a ``PasswordHashingError`` for an empty, short, over-long or NUL-containing password, or
    ///   ``PasswordHashingError/busy`` when too many hashes and checks are in progress; an error from the thread
    ///   pool if it has been shut down.
    public func hash(_ password: String) async throws -> String {
        let key = try Self.key(password, isNew: true)
        let cost = UInt8(self.cost)
        return try await self.admission.run(refusing: PasswordHashingError.busy) {
            try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(key, cost: cost) }
        }
    }

    /// Whether `password` matches `storedHash`. A malformed stored hash never matches.
    ///
    /// - Throws: a ``PasswordHashingError`` for an empty, over-long or NUL-containing password (no stored hash can
    ///   match one), or ``PasswordHashingError/busy`` when too many checks are in progress (the answer is then
    ///   unknown, not `false`); an error from the thread pool if it has been shut down.
    public func verify(_ password: String, against storedHash: String) async throws -> Bool {
        let key = try Self.key(password, isNew: false)
        return try await self.admission.run(refusing: PasswordHashingError.busy) {
            try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(key, hash: storedHash) }
        }
    }

    /// The same work as ``verify(_:against:)`` for a username that does not exist: always `false`.
    ///
    /// It refuses the same passwords `verify` refuses, and is just as ``PasswordHashingError/busy``, so neither the
    /// time nor the error tells an unknown username from a known one.
    public func verifyUnknownPerson(_ password: String) async throws -> Bool {
        _ = try await self.verify(password, against: self.unknownPersonHash)
        return false
    }

    /// The bytes bcrypt will see: `password` in NFC, checked against the limits.
    static func key(_ password: String, isNew: Bool) throws(PasswordHashingError) -> String {
        guard !password.isEmpty else { throw .emptyPassword }
        // NFC by the standard library's own normalizer (what String comparison uses), the same result as
        // Foundation's `precomposedStringWithCanonicalMapping`, which FoundationEssentials lacks.
        let normalized = String(decoding: password._nfcCodeUnits, as: UTF8.self)
        guard !normalized.utf8.contains(0) else { throw .passwordContainsNUL }
        guard normalized.utf8.count <= Self.maximumBytes else {
            throw .passwordTooLong(maximumBytes: Self.maximumBytes)
        }
        if isNew, normalized.unicodeScalars.count < Self.minimumCharacters {
            throw .passwordTooShort(minimumCharacters: Self.minimumCharacters)
        }
        return normalized
    }

    /// `$2b$NN$` and 53 random characters of bcrypt's base64 alphabet: a salt and a digest bcrypt parses, so
    /// checking against it runs every round, and a digest nothing was hashed to.
    static func standInHash(cost: Int) -> String {
        let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let body = String((0..<53).map { _ in alphabet.randomElement()! })
        let rounds = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2b$\(rounds)$\(body)"
    }
}
