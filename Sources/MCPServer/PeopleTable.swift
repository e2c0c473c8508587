import MCPServerCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `users list`: one row per person, columns padded to line up, never a password hash.
///
/// The ID column comes first: people of an upstream provider have no username, and other `users` commands take
/// their id instead.
///
/// Names and emails of upstream people come from another system, so characters that would steer the terminal
/// (controls, bidirectional overrides) are shown as `?`.
enum PeopleTable {
    static let header = ["ID", "USERNAME", "DISPLAY NAME", "EMAIL", "ADMIN", "CREATED", "LAST SIGN-IN"]

    /// The table's lines: the header, then `people` in the order given.
    static func lines(_ people: [StoredPerson]) -> [String] {
        let rows = [Self.header] + people.map(Self.row)
        let widths = Self.header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.indices.map { column in
                column == row.count - 1
                    ? row[column] : row[column] + String(repeating: " ", count: widths[column] - row[column].count)
            }
            .joined(separator: "  ")
        }
    }

    static func row(_ person: StoredPerson) -> [String] {
        [
            Self.cell(person.id), Self.cell(person.username), Self.cell(person.displayName), Self.cell(person.email),
            person.isAdmin ? "yes" : "no", person.createdAt.formatted(.iso8601),
            person.lastSignInAt?.formatted(.iso8601) ?? "never",
        ]
    }

    /// `text` safe to print, or `-` when there is none.
    static func cell(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { PersonProfile.isControl($0) || Self.isBidiControl($0) ? "?" : $0 }
            )
        )
    }

    /// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what follows them.
    private static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
