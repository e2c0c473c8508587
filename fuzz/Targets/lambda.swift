// Lambda event mapping (with Sources/MCPServerLambda/Events and Runtime/LambdaFunctionError.swift): any event is
// a request or a Runtime.InvalidEvent; an answer can be written in the event's own format.
import MCPWire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLambdaEvent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let request = try LambdaHTTPRequest(event: bytes)
        let response = LambdaHTTPResponse(status: 200, headers: request.headers, body: request.body)
        let document = response.document(for: request.format).serialized()
        precondition((try? JSONValue(parsing: document)) != nil, "the response document is not JSON")
    } catch {
        precondition(error.type == "Runtime.InvalidEvent", "unexpected error type \(error.type)")
    }
    return 0
}
