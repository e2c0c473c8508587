import MCPWire

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A response an ``OutboundFetcher`` read in full (within its size limit).
public struct OutboundResponse: Sendable, Hashable {
    /// The HTTP status code; never 3xx (redirects are errors).
    public var status: Int
    /// The header fields in order, names as sent.
    public var headers: [HeaderField]
    public var body: [UInt8]

    /// One header field.
    public struct HeaderField: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(status: Int, headers: [HeaderField], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The values of every field named `name` (case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return self.headers.filter { $0.name.lowercased() == lowered }.map(\.value)
    }

    /// The media type of `Content-Type`, lowercased, without parameters (`application/json`).
    public var mediaType: String? {
        guard let value = self.headerValues("content-type").first else { return nil }
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return type.trimmingOWS().lowercased()
    }
}
