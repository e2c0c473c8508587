public import Foundation

/// Finds executables that `swift build` put next to the test bundle.
public enum BuiltProduct {
    /// The executable named `name` in the build directory of the running tests.
    public static func url(named name: String) throws -> URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw MissingProduct(name: name, searchedFrom: Bundle.main.bundleURL.path)
    }

    struct MissingProduct: Error, CustomStringConvertible {
        let name: String
        let searchedFrom: String
        var description: String { "\(self.name) was not built next to \(self.searchedFrom); run swift build first" }
    }
}
