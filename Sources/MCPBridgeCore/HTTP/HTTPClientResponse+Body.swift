import AsyncHTTPClient
import MCPWire
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HTTPClientResponse {
    /// The largest error body read: enough for any JSON-RPC error or OAuth error a server sends with a status.
    static let errorBodyLimit = 1 << 16

    /// The media type of the body, lower-cased, without parameters.
    var mediaType: String {
        let value = self.headers.first(name: "content-type") ?? ""
        return value.split(separator: ";").first.map { $0.trimmingOWS().lowercased() } ?? ""
    }

    /// Reads the body and drops it, so the connection goes back to the pool for the next request. A body larger
    /// than ``errorBodyLimit`` is abandoned instead, which closes the connection: nothing in it matters.
    func discardBody() async {
        _ = try? await self.body.collect(upTo: Self.errorBodyLimit)
    }

    /// The body of an answer that is not the one hoped for (an error status, a refusal), for relaying a
    /// JSON-RPC error in it or for an error message; empty when it is larger than ``errorBodyLimit`` or broke.
    func errorBody() async -> [UInt8] {
        guard let buffer = try? await self.body.collect(upTo: Self.errorBodyLimit) else { return [] }
        return Array(buffer.readableBytesView)
    }

    /// The start of an error body on one line, for messages a person reads.
    static func snippet(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(200), as: UTF8.self).filter { !$0.isNewline }
    }
}
