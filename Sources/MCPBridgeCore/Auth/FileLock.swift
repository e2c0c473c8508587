import NIOPosix

#if os(Windows)
import WinSDK
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file, shared by every process that opens the same path, which the system drops when its
/// holder exits however it exits (so a bridge the host kills leaves no stale lock): `flock(2)` on POSIX systems,
/// `LockFileEx` on Windows. The wait runs on NIO's blocking-I/O pool, never on the cooperative pool.
///
/// The Windows branch is written against the Win32 API and has not been compiled here (no Windows machine).
struct FileLock: Sendable {
    #if os(Windows)
    /// The file's `HANDLE`, as its bit pattern: the pointer type itself is not `Sendable`.
    private let handle: Int
    #else
    private let descriptor: Int32
    #endif

    /// Opens `path` (created 0600 when missing) and waits until this process holds its lock.
    static func acquire(_ path: String) async throws -> FileLock {
        #if os(Windows)
        let outcome: Result<Int, BridgeError> = try await NIOThreadPool.singleton.runIfActive {
            let handle = path.withCString(encodedAs: UTF16.self) { name in
                CreateFileW(
                    name,
                    DWORD(GENERIC_READ) | DWORD(GENERIC_WRITE),
                    DWORD(FILE_SHARE_READ) | DWORD(FILE_SHARE_WRITE) | DWORD(FILE_SHARE_DELETE),
                    nil,
                    DWORD(OPEN_ALWAYS),
                    DWORD(FILE_ATTRIBUTE_NORMAL),
                    nil
                )
            }
            guard let handle, handle != INVALID_HANDLE_VALUE else {
                return .failure(.configuration("cannot open lock file \(path): Windows error \(GetLastError())"))
            }
            // A synchronous handle: LockFileEx waits until the lock is free. One byte past nothing is enough.
            var overlapped = OVERLAPPED()
            guard LockFileEx(handle, DWORD(LOCKFILE_EXCLUSIVE_LOCK), 0, 1, 0, &overlapped) else {
                let error = GetLastError()
                CloseHandle(handle)
                return .failure(.configuration("cannot lock \(path): Windows error \(error)"))
            }
            return .success(Int(bitPattern: handle))
        }
        return FileLock(handle: try outcome.get())
        #else
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw BridgeError.configuration("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        let failure: Int32?
        do {
            failure = try await NIOThreadPool.singleton.runIfActive {
                while flock(descriptor, LOCK_EX) != 0 {
                    if errno != EINTR { return errno }
                }
                return nil
            }
        } catch {
            // Cancelled while queued for the pool (or the pool is gone): the file is not locked, only open.
            close(descriptor)
            throw error
        }
        if let failure {
            close(descriptor)
            throw BridgeError.configuration("cannot lock \(path): \(String(cString: strerror(failure)))")
        }
        return FileLock(descriptor: descriptor)
        #endif
    }

    /// Releases the lock and closes the file.
    func release() {
        #if os(Windows)
        guard let handle = HANDLE(bitPattern: self.handle) else { return }
        var overlapped = OVERLAPPED()
        UnlockFileEx(handle, 0, 1, 0, &overlapped)
        CloseHandle(handle)
        #else
        flock(self.descriptor, LOCK_UN)
        close(self.descriptor)
        #endif
    }
}
