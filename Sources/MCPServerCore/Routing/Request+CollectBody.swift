import Hummingbird
import NIOCore

extension Request {
    /// The body as bytes, refusing more than `limit` (by `Content-Length` first, without reading).
    mutating func collectBody(limit: Int, tooLarge: @autoclosure () -> any Error) async throws -> [UInt8] {
        if let length = self.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge() }
        do {
            return Array(buffer: try await self.collectBody(upTo: limit))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge()
        }
    }
}
