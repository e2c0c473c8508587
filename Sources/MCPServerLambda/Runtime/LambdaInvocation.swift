public import NIOCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One event handed out by the Runtime API's `invocation/next`, with the headers that describe it.
public struct LambdaInvocation: Sendable {
    /// `Lambda-Runtime-Aws-Request-Id`: where the answer goes, and the key that ties log lines together.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when Lambda stops the function, in milliseconds since the epoch.
    public var deadlineEpochMilliseconds: Int64?
    /// `Lambda-Runtime-Trace-Id`: the X-Ray trace header (`Root=…;Parent=…;Sampled=…`).
    public var traceID: String?
    /// The event, untouched.
    public var event: ByteBuffer

    public init(
        requestID: String,
        deadlineEpochMilliseconds: Int64?,
        traceID: String?,
        event: ByteBuffer
    ) {
        self.requestID = requestID
        self.deadlineEpochMilliseconds = deadlineEpochMilliseconds
        self.traceID = traceID
        self.event = event
    }

    /// How long is left before the deadline, measured now; `nil` when Lambda sent none.
    public func remainingTime(now: Date = Date()) -> Duration? {
        guard let deadline = self.deadlineEpochMilliseconds else { return nil }
        let nowMilliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        return .milliseconds(deadline - nowMilliseconds)
    }
}
