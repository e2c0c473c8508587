import Foundation
import MCPWire

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs a JSON-RPC body to a live server the way a conforming client does.
func post(
    _ url: URL,
    _ body: String,
    headers: [String: String] = [:]
) async throws -> (status: Int, body: String, contentType: String?) {
    var request = URLRequest(url: url)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpBody = Data(body.utf8)
    request.timeoutInterval = 60
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Content-Type"))
}
