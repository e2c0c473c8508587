"""Serves one OAuth Client ID Metadata Document over https on 127.0.0.1: the client's own web site, in the tests
where a client (the Python MCP SDK) names itself by the URL of its metadata document instead of registering.

Usage: cimd_document_server.py CERT KEY DOCUMENT_JSON
   CERT, KEY: PEM files of a certificate for 127.0.0.1 (the test's own CA signs it; mcp-server is started with
   --cimd-ca-file pointing at that CA). DOCUMENT_JSON: the document, without "client_id".

It listens on a port the kernel chooses and prints "ready port=N" on stderr. The document is at
https://127.0.0.1:N/client-metadata.json, and its "client_id" is set to exactly that URL (the draft requires the two
to be equal, and the port is known only once bound). Every request is logged on stderr as "GET PATH STATUS", so a
test can see that, and how often, the authorization server fetched it. Standard library only.
"""

from __future__ import annotations

import json
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/client-metadata.json"


def serve(certificate: str, key: str, document: dict) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    body = json.dumps({**document, "client_id": f"https://127.0.0.1:{port}{PATH}"}).encode()

    class Document(BaseHTTPRequestHandler):
        def log_message(self, *arguments):
            pass  # one plain line per request instead, below

        def do_GET(self):
            status = 200 if self.path == PATH else 404
            payload = body if status == 200 else b"{}"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            # What a client's web site would send; the authorization server caches within its own ceiling.
            self.send_header("Cache-Control", "max-age=300")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            print(f"GET {self.path} {status}", file=sys.stderr, flush=True)

    server.RequestHandlerClass = Document
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"ready port={port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    serve(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
