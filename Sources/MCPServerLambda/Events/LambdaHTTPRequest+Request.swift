import HTTPTypes
public import Hummingbird
public import MCPServerCore
import NIOCore

extension LambdaHTTPRequest {
    /// The request the router sees, or `nil` when the event's method is not an HTTP method.
    public var request: Request? {
        guard let method = HTTPRequest.Method(self.method) else { return nil }
        var fields = HTTPFields()
        for (name, value) in self.headers {
            guard let name = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: name, value: value))
        }
        let head = HTTPRequest(
            method: method,
            scheme: "https",
            authority: self.headers.first { $0.name.lowercased() == "host" }?.value ?? self.domainName,
            path: self.target,
            headerFields: fields
        )
        return Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: self.body)))
    }

    /// The URLs the event was addressed to: its domain and stage, else its `Host` header.
    public var urls: ServerURLs {
        if let base = self.publicBaseURL { return ServerURLs(base: base) }
        let host = self.headers.first { $0.name.lowercased() == "host" }?.value ?? self.domainName ?? "localhost"
        return ServerURLs(base: "https://" + host)
    }
}
