public import NIOCore

/// The Lambda Runtime API as the loop uses it: ``LambdaRuntimeClient`` over HTTP in a function, a scripted
/// double in tests, so the loop runs in process (as swift-aws-lambda-runtime tests its own).
public protocol LambdaRuntime: Sendable {
    /// Waits for the next event (`invocation/next`, a long poll).
    func next() async throws -> LambdaInvocation
    /// Posts the answer to an event.
    func respond(requestID: String, body: ByteBuffer) async throws
    /// Reports that an event could not be handled.
    func fail(requestID: String, error: LambdaFunctionError) async throws
    /// Reports that the function could not start (`init/error`).
    func initFailed(_ error: LambdaFunctionError) async throws
}
