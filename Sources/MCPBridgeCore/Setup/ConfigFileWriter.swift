#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Replaces a desktop app's config file without weakening it.
///
/// These files hold other servers' API keys, so: the new file is private (0600) from its first byte until it
/// takes the old file's mode and owner; a symlink (dotfiles managers make them) is followed and its target
/// replaced, so the link stays a link; and every backup gets a name of its own, created exclusively, so a second
/// install within the same second cannot overwrite the first one's backup.
enum ConfigFileWriter {
    /// A file's contents with the mode and owner it had when they were read.
    struct Existing: Sendable {
        var data: Data
        /// The permission bits (`st_mode & 0o777`).
        var mode: mode_t
        var owner: uid_t
        var group: gid_t
    }

    /// The file `path` finally names: symlinks are followed (a relative one from its own directory). A link to a
    /// missing file names the file to create.
    static func resolve(_ path: String) throws(BridgeError) -> String {
        var current = path
        // Linux's own limit on links in one lookup (ELOOP beyond it).
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else {
                return Self.canonicalDirectory(of: current)
            }
            var buffer = [CChar](repeating: 0, count: 4097)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else {
                throw .configuration("cannot read the symbolic link \(current): \(Self.reason())")
            }
            let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current =
                target.hasPrefix("/")
                ? target
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(target).path
        }
        throw .configuration("\(path): too many levels of symbolic links; nothing was changed")
    }

    /// `path` with its directory made canonical by `realpath(3)`, so messages show where the file really is. Not
    /// done by hand: `..` after a symlinked directory leads where the kernel says, not where the text suggests.
    /// A directory that does not exist yet is left as written.
    private static func canonicalDirectory(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        guard let resolved = realpath(url.deletingLastPathComponent().path, nil) else { return path }
        defer { free(resolved) }
        let directory = String(cString: resolved)
        return (directory == "/" ? "" : directory) + "/" + url.lastPathComponent
    }

    /// The contents, mode and owner of the regular file at `path`, or `nil` when there is none. Mode and contents
    /// come from one open file, so they belong together.
    static func load(_ path: String) throws(BridgeError) -> Existing? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .configuration("cannot read \(path): \(Self.reason())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .configuration("cannot inspect \(path): \(Self.reason())") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .configuration("\(path) is not a regular file; nothing was changed")
        }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .configuration("cannot read \(path): \(Self.reason())")
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[..<count])
        }
        return Existing(data: data, mode: info.st_mode & 0o777, owner: info.st_uid, group: info.st_gid)
    }

    /// Saves `existing` beside `path` as `NAME.backup-SECONDS` (then `-2`, `-3`, … when taken), with the
    /// original's mode and owner: it holds the same secrets. Returns the backup's path.
    static func writeBackup(of existing: Existing, at path: String) throws(BridgeError) -> String {
        let stamp = Int(Date().timeIntervalSince1970)
        for attempt in 1...1000 {
            let candidate = "\(path).backup-\(stamp)" + (attempt == 1 ? "" : "-\(attempt)")
            // O_EXCL: an existing backup (or a link planted under its name) is never written through.
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                if errno == EEXIST { continue }
                throw .configuration("cannot write the backup \(candidate): \(Self.reason())")
            }
            do throws(BridgeError) {
                try Self.fill(fd, path: candidate, data: existing.data, like: existing)
            } catch {
                unlink(candidate)
                throw error
            }
            return candidate
        }
        throw .configuration("\(path) has too many backups from this second; nothing was changed")
    }

    /// Replaces `path` with `data` atomically: a temporary file beside it, 0600 while written, given the mode and
    /// owner of `existing` (0600 and this user for a new file), synced, then renamed over `path`.
    static func replace(_ path: String, with data: Data, like existing: Existing?) throws(BridgeError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary =
            directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .configuration("cannot write \(temporary): \(Self.reason())") }
        do throws(BridgeError) {
            try Self.fill(fd, path: temporary, data: data, like: existing)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = Self.reason()
            unlink(temporary)
            throw .configuration("cannot replace \(path): \(reason)")
        }
        // The rename survives a crash once the directory is synced.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Writes all of `data` to `fd`, gives it the mode (and, when running as root, the owner) of `existing`,
    /// syncs it and closes it.
    private static func fill(_ fd: Int32, path: String, data: Data, like existing: Existing?) throws(BridgeError) {
        defer { close(fd) }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += count
            }
            return true
        }
        guard written else { throw .configuration("cannot write \(path): \(Self.reason())") }
        // Owner and group before the mode: the new file is 0600 until then, so a 0640 file is never readable by a
        // group it does not belong to. Only root can give a file away (`sudo mcp-bridge install` must leave the
        // user's file the user's); anyone may set one of their own groups, and a group they are not in is left as
        // it comes (the mode is then narrowed to the owner, below).
        var groupKept = true
        if let existing {
            if geteuid() == 0 {
                guard fchown(fd, existing.owner, existing.group) == 0 else {
                    throw .configuration("cannot set the owner of \(path): \(Self.reason())")
                }
            } else if fchown(fd, uid_t.max, existing.group) != 0 {
                groupKept = false
            }
        }
        // Set explicitly: the mode given to open(2) is narrowed by the umask, and an old file's mode may be wider.
        let mode = existing.map { groupKept ? $0.mode : $0.mode & 0o700 } ?? 0o600
        guard fchmod(fd, mode) == 0 else {
            throw .configuration("cannot set the mode of \(path): \(Self.reason())")
        }
        guard fsync(fd) == 0 else { throw .configuration("cannot write \(path): \(Self.reason())") }
    }

    private static func reason() -> String {
        String(cString: strerror(errno))
    }
}
