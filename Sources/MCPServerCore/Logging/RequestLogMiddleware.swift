public import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// Logs one line per request when it is answered, for the requests its ``AccessLogPolicy`` selects: method, path
/// (without the query, which may hold secrets), status and duration. Never a header value or a body.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    private let policy: AccessLogPolicy
    /// Requests that counted towards `sample:N`, so that exactly one in N is logged whatever the concurrency. A
    /// lock rather than an atomic: swift-atomics is not a dependency of this package, Synchronization's `Atomic`
    /// needs macOS 15, and the lock is only taken under `sample:N`, for one increment.
    private let sampled = NIOLockedValueBox<UInt64>(0)

    /// - Parameter policy: which requests get a line; ``AccessLogPolicy/default`` (failures and slow requests)
    ///   unless the operator chose otherwise.
    public init(policy: AccessLogPolicy = .default) {
        self.policy = policy
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.log(request, context: context, status: Int(response.status.code), since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            self.log(request, context: context, status: Int(status), since: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - start
        var sampleIndex: UInt64 = 0
        if self.policy.countsTowardsSample(status: status, duration: duration) {
            sampleIndex = self.sampled.withLockedValue { count in
                defer { count &+= 1 }
                return count
            }
        }
        guard self.policy.shouldLog(status: status, duration: duration, sampleIndex: sampleIndex) else { return }
        let milliseconds = duration.inMilliseconds
        context.logger.log(
            level: status >= 500 ? .error : .info,
            "Request",
            metadata: [
                "method": "\(request.method.rawValue)",
                "path": "\(request.uri.path)",
                "status": .stringConvertible(status),
                "duration_ms": .stringConvertible((milliseconds * 1000).rounded() / 1000),
            ]
        )
    }
}
