import MCPServerCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Makes a database's files private before SQLite opens them.
///
/// SQLite creates a new database file with the process umask (0644 under the usual 022) and gives `-wal` and
/// `-shm` the mode the database file has when they are created. The first migration and the signing key's PEM are
/// written into the WAL straight away, so tightening the database afterwards leaves a world-readable WAL holding the
/// private key. The three files are therefore created here, 0600, before SQLite sees them; SQLite then keeps them
/// (it never widens an existing file) and copies 0600 to any `-wal` or `-journal` it re-creates later.
///
/// Files rather than `umask(0o077)` around the open: the umask is process-wide, so it would also apply to whatever
/// other threads create meanwhile (log files, a bridge's credentials in tests), and SQLite creates `-wal` lazily,
/// after the open returns, where a temporary umask no longer covers it.
enum SQLiteFiles {
    /// The files SQLite uses in WAL mode besides the database itself.
    static let companionSuffixes = ["-wal", "-shm"]

    /// The owner-only mode every file gets.
    static let fileMode: mode_t = 0o600

    /// Creates the directory (0700) if needed, refuses one that others can write, and creates or tightens
    /// `path`, `path-wal` and `path-shm`: regular files, not symbolic links, owned by this user, mode 0600.
    ///
    /// - Throws: ``ServerStoreError/unavailable(_:)`` naming the file and what to change.
    static func prepare(databasePath: String) throws {
        // A link's own directory matters too: whoever can write it can point the link elsewhere.
        let linkDirectory = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
        let path = try Self.resolvingFinalSymlink(databasePath)
        if path != databasePath { try Self.checkDirectory(linkDirectory) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw ServerStoreError.unavailable("cannot create \(directory): \(error)")
        }
        try Self.checkDirectory(directory)
        for file in [path] + Self.companionSuffixes.map({ path + $0 }) {
            try Self.createPrivateFile(file)
        }
    }

    /// A directory that others may write lets them rename our files away and put their own (say, a crafted
    /// `-wal` or `-journal` SQLite would replay) in their place, whatever the files' modes. The same rule as
    /// OpenSSH's `StrictModes`: no group or other write bit. The sticky bit (`/tmp`) is not enough: it stops
    /// others from removing our files, not from creating the names SQLite has not created yet.
    static func checkDirectory(_ directory: String) throws {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw ServerStoreError.unavailable("cannot inspect \(directory): \(Self.lastError())")
        }
        if info.st_uid != geteuid(), info.st_uid != 0 {
            throw ServerStoreError.unavailable(
                "\(directory) belongs to another user (uid \(info.st_uid)), who could replace the database's files"
            )
        }
        if info.st_mode & 0o022 != 0 {
            throw ServerStoreError.unavailable(
                """
                \(directory) is writable by other users (mode \(Self.octal(info.st_mode))), who could replace the \
                database's files: run chmod go-w on it, or keep the database in a directory only you can write \
                (mcp-server creates a missing one with mode 0700)
                """
            )
        }
    }

    /// Opens `file` with `O_CREAT` and mode 0600 (so a new file is private from its first byte) and
    /// `O_NOFOLLOW` (so a planted symbolic link is refused, not followed), then checks what it opened.
    static func createPrivateFile(_ file: String) throws {
        let descriptor = open(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, Self.fileMode)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link" : Self.lastError()
            throw ServerStoreError.unavailable("cannot open \(file): \(reason)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw ServerStoreError.unavailable("cannot inspect \(file): \(Self.lastError())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ServerStoreError.unavailable("\(file) is not a regular file")
        }
        // Another user's file stays readable by them whatever its mode. Root may open a user's database
        // (`sudo mcp-server clients ...`): the file is then still that user's, as it was.
        let user = geteuid()
        guard info.st_uid == user || user == 0 else {
            throw ServerStoreError.unavailable(
                "\(file) belongs to uid \(info.st_uid), not to this user (uid \(user)): it may have been planted"
            )
        }
        if info.st_mode & 0o077 != 0 {
            // A database from an older build (tightened only after SQLite had created its WAL), or a copy.
            guard fchmod(descriptor, Self.fileMode) == 0 else {
                throw ServerStoreError.unavailable("cannot make \(file) private (chmod 600): \(Self.lastError())")
            }
        }
    }

    /// SQLite resolves a symbolic link to the database and names `-wal` and `-shm` after the target, so the
    /// files are prepared there too.
    private static func resolvingFinalSymlink(_ path: String) throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return path }
        guard let resolved = realpath(path, nil) else {
            throw ServerStoreError.unavailable("cannot resolve the symbolic link \(path): \(Self.lastError())")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }

    private static func octal(_ mode: mode_t) -> String {
        "0" + String(mode & 0o7777, radix: 8)
    }
}
