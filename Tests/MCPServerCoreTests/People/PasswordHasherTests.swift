import Foundation
import HummingbirdBcrypt
import Testing

@testable import MCPServerCore

/// bcrypt through ``PasswordHasher``: round trips, the 72-byte and NUL refusals that stop silent truncation,
/// NFC, the stand-in check for unknown usernames, and the cost bounds. Cost 4 throughout, so the suite stays fast.
@Suite("PasswordHasher")
struct PasswordHasherTests {
    let hasher = try! PasswordHasher(cost: 4)

    @Test func roundTrip() async throws {
        let hash = try await self.hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(hash.utf8.count == 60)
        #expect(try await self.hasher.verify("correct horse battery staple", against: hash))
        // A random salt each time.
        #expect(try await self.hasher.hash("correct horse battery staple") != hash)
    }

    @Test func wrongPasswordDoesNotVerify() async throws {
        let hash = try await self.hasher.hash("correct horse battery staple")
        #expect(try await !self.hasher.verify("correct horse battery stapler", against: hash))
        #expect(try await !self.hasher.verify("Correct horse battery staple", against: hash))
    }

    @Test func malformedStoredHashNeverVerifies() async throws {
        for stored in ["", "not a hash", "$2b$04$short", "$2x$04$" + String(repeating: "a", count: 53)] {
            #expect(try await !self.hasher.verify("correct horse battery staple", against: stored))
        }
    }

    @Test func seventyTwoBytesAreAcceptedSeventyThreeAreRefused() async throws {
        let ascii72 = String(repeating: "a", count: 71) + "b"
        let hash = try await self.hasher.hash(ascii72)
        #expect(try await self.hasher.verify(ascii72, against: hash))
        // The 72nd byte counts: it is not silently dropped.
        #expect(try await !self.hasher.verify(String(repeating: "a", count: 72), against: hash))

        let over = ascii72 + "c"
        await #expect(throws: PasswordHashingError.passwordTooLong(maximumBytes: 72)) {
            try await self.hasher.hash(over)
        }
        // Refused when checking too, or it would match the hash of its first 72 bytes.
        await #expect(throws: PasswordHashingError.passwordTooLong(maximumBytes: 72)) {
            try await self.hasher.verify(over, against: hash)
        }
    }

    /// Why the limit is enforced here: the library itself ignores everything after byte 72.
    @Test func bcryptAloneWouldTruncate() {
        let ascii72 = String(repeating: "a", count: 72)
        let hash = Bcrypt.hash(ascii72, cost: 4)
        #expect(Bcrypt.verify(ascii72 + "anything at all", hash: hash))
    }

    @Test func limitCountsUTF8BytesNotCharacters() async throws {
        // 24 × "€" (3 bytes each) is exactly 72 bytes; one more ASCII byte is 73.
        let euros = String(repeating: "€", count: 24)
        #expect(euros.utf8.count == 72)
        let hash = try await self.hasher.hash(euros)
        #expect(try await self.hasher.verify(euros, against: hash))
        await #expect(throws: PasswordHashingError.passwordTooLong(maximumBytes: 72)) {
            try await self.hasher.hash(euros + "a")
        }
    }

    @Test func unicodeRoundTrip() async throws {
        let password = "pässwörd-密码-🔑-ꙮ"
        let hash = try await self.hasher.hash(password)
        #expect(try await self.hasher.verify(password, against: hash))
        #expect(try await !self.hasher.verify("passwörd-密码-🔑-ꙮ", against: hash))
    }

    @Test func composedAndDecomposedAccentsAreTheSamePassword() async throws {
        let composed = "caf\u{E9}-cr\u{E8}me-br\u{FB}l\u{E9}e"
        let decomposed = "cafe\u{301}-cre\u{300}me-bru\u{302}le\u{301}e"
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        let hash = try await self.hasher.hash(decomposed)
        #expect(try await self.hasher.verify(composed, against: hash))
        // The limit applies after normalization: 36 decomposed "é" are 108 bytes typed, 72 in NFC.
        let longDecomposed = String(repeating: "e\u{301}", count: 36)
        #expect(longDecomposed.utf8.count == 108)
        #expect(try await self.hasher.verify(longDecomposed, against: try await self.hasher.hash(longDecomposed)))
    }

    /// The key is the standard library's NFC, which must be what Foundation's `precomposedStringWithCanonicalMapping`
    /// gave (the hashes stored before the server stopped linking Foundation were made from that): composition,
    /// reordering of combining marks, singletons (Å sign, Ohm sign), Hangul, and compatibility characters NFC leaves
    /// alone.
    @Test func normalizationIsFoundationsNFC() throws {
        let samples = [
            "cafe\u{301}", "a\u{323}\u{302}", "a\u{302}\u{323}", "\u{212B}ngstr\u{F6}m", "\u{2126}hm",
            "\u{1100}\u{1161}\u{11A8}", "\u{FB01}le \u{2460} \u{FF21}", "\u{1E9B}\u{323}", "q\u{307}\u{323}",
            "\u{0958}\u{0915}\u{093C}", "e\u{301}\u{301}\u{301}", "\u{1F511}\u{200D}\u{1F512}", "plain ascii",
        ]
        for sample in samples {
            let key = try PasswordHasher.key(sample, isNew: false)
            #expect(
                Array(key.utf8) == Array(sample.precomposedStringWithCanonicalMapping.utf8),
                "\(sample.unicodeScalars.map { String($0.value, radix: 16) })"
            )
        }
    }

    @Test func emptyPasswordsAreRefused() async throws {
        let hash = try await self.hasher.hash("correct horse battery staple")
        await #expect(throws: PasswordHashingError.emptyPassword) { try await self.hasher.hash("") }
        await #expect(throws: PasswordHashingError.emptyPassword) { try await self.hasher.verify("", against: hash) }
        await #expect(throws: PasswordHashingError.emptyPassword) { try await self.hasher.verifyUnknownPerson("") }
    }

    @Test func passwordsWithNULAreRefused() async throws {
        // bcrypt reads a C string: "correct\0…" would hash as "correct".
        await #expect(throws: PasswordHashingError.passwordContainsNUL) {
            try await self.hasher.hash("correct\u{0}horse battery staple")
        }
    }

    @Test func shortNewPasswordsAreRefusedButShortOnesAreStillChecked() async throws {
        await #expect(throws: PasswordHashingError.passwordTooShort(minimumCharacters: 8)) {
            try await self.hasher.hash("1234567")
        }
        // Eight characters, more bytes than characters: counted in characters.
        _ = try await self.hasher.hash("密码密码密码密码")
        // Checking does not apply the minimum, so raising it later locks nobody out.
        let hash = try await self.hasher.hash("12345678")
        #expect(try await !self.hasher.verify("1234567", against: hash))
    }

    @Test func unknownPersonIsCheckedAgainstAStandInHashAndNeverVerifies() async throws {
        #expect(self.hasher.unknownPersonHash.hasPrefix("$2b$04$"))
        #expect(self.hasher.unknownPersonHash.utf8.count == 60)
        for password in ["correct horse battery staple", "x", String(repeating: "a", count: 72)] {
            #expect(try await !self.hasher.verifyUnknownPerson(password))
        }
        // The same refusals as for a known person, so the error does not tell them apart either.
        await #expect(throws: PasswordHashingError.passwordTooLong(maximumBytes: 72)) {
            try await self.hasher.verifyUnknownPerson(String(repeating: "a", count: 73))
        }
        #expect(try PasswordHasher(cost: 12).unknownPersonHash.hasPrefix("$2b$12$"))
    }

    @Test func costBounds() throws {
        #expect(try PasswordHasher().cost == 12)
        #expect(PasswordHasher.defaultCost == 12)
        #expect(try PasswordHasher(cost: 4).cost == 4)
        #expect(try PasswordHasher(cost: 31).cost == 31)
        for cost in [-1, 0, 3, 32, 256] {
            #expect(throws: PasswordHashingError.costOutOfRange(cost)) { try PasswordHasher(cost: cost) }
        }
    }

    @Test func errorsSayWhatIsWrongWithoutThePassword() {
        #expect(PasswordHashingError.passwordTooLong(maximumBytes: 72).description.contains("72 bytes"))
        #expect(PasswordHashingError.costOutOfRange(3).description.contains("4...31"))
    }
}
