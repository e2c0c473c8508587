"""A misbehaving MCP server for the bridge's SSE size-limit tests: it answers tools/call with an event stream
that never ends an event, to check that the bridge stops reading at its message limit instead of growing.

Usage: endless_sse_server.py MODE PORT [BYTES]   (PORT 0: any free port; BYTES: how much to stream, 100 MiB)
  line         Streamable HTTP: the answer is "data: xxxx..." without any line ending
  lines        Streamable HTTP: the answer is short "data: xxxx" lines without the blank line that ends an event
  legacy-line  the 2024-11-05 HTTP+SSE transport (GET /sse, POST /messages): the endless line comes on the stream

initialize, ping and notifications are answered normally. Prints "ready port=N" on stderr once it listens on
127.0.0.1:N, and "stopped after N bytes" (or "streamed N bytes") when the endless answer ends.
"""

import json
import queue
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
TOTAL = int(sys.argv[3]) if len(sys.argv) > 3 else 100 << 20
CHUNK = 64 << 10
# Messages for the legacy stream, in order; ENDLESS stands for the endless answer.
ENDLESS = object()
legacy_stream = queue.Queue()


def answer(message):
    """The JSON-RPC answer to a request other than tools/call."""
    if message.get("method") == "initialize":
        result = {
            "protocolVersion": message["params"]["protocolVersion"],
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "endless-sse-server", "version": "1"},
        }
    else:
        result = {}
    return {"jsonrpc": "2.0", "id": message["id"], "result": result}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def endless(self):
        """Streams TOTAL bytes that never complete an event; reports how far it got."""
        sent = 0
        try:
            if MODE.endswith("line"):
                self.chunk(b"data: ")
                piece = b"x" * CHUNK
            else:
                piece = b"data: " + b"x" * 1017 + b"\n"
                piece = piece * (CHUNK // len(piece))
            while sent < TOTAL:
                self.chunk(piece)
                sent += len(piece)
            self.chunk(b"")
            print(f"streamed {sent} bytes", file=sys.stderr, flush=True)
        except OSError:
            print(f"stopped after {sent} bytes", file=sys.stderr, flush=True)
        self.close_connection = True

    def read_message(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length))

    def send_json(self, status, body):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        message = self.read_message()
        if MODE == "legacy-line":
            if "id" in message and "method" in message:
                legacy_stream.put(ENDLESS if message["method"] == "tools/call" else answer(message))
            self.send_json(202, None)
        elif "id" not in message or "method" not in message:
            self.send_json(202, None)
        elif message["method"] == "tools/call":
            self.start_stream()
            self.endless()
        else:
            self.send_json(200, answer(message))

    def do_GET(self):
        if MODE != "legacy-line" or not self.path.startswith("/sse"):
            self.send_json(405, None)
            return
        self.start_stream()
        try:
            self.chunk(b"event: endpoint\ndata: /messages?session=1\n\n")
            while True:
                item = legacy_stream.get()
                if item is ENDLESS:
                    self.endless()
                    return
                self.chunk(b"event: message\ndata: " + json.dumps(item).encode() + b"\n\n")
        except OSError:
            self.close_connection = True

    def do_DELETE(self):
        self.send_json(405, None)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler)
    server.daemon_threads = True
    print(f"ready port={server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()
