"""A minimal HTTP forward proxy for the bridge's proxy test: tunnels `CONNECT host:port` (what
AsyncHTTPClient sends, for http and https alike) and forwards absolute-form requests
(`POST http://host:port/path`); logs "proxied METHOD TARGET" on stderr.

Usage: forward_proxy.py PORT   (PORT 0: any free port; prints "ready port=N" on stderr once listening)
"""

import http.client
import select
import socket
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length"}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        target = urllib.parse.urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            self.send_error(400, "absolute http:// URL expected")
            return
        print(f"proxied {self.command} {self.path}", file=sys.stderr, flush=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
        path = target.path + (f"?{target.query}" if target.query else "")
        upstream.request(self.command, path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_DELETE = forward

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        print(f"proxied CONNECT {self.path}", file=sys.stderr, flush=True)
        try:
            upstream = socket.create_connection((host, int(port)), timeout=30)
        except OSError:
            self.send_error(502, "cannot reach the target")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        client = self.connection
        sockets = [client, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 60)
            if not readable:
                break
            for source in readable:
                data = source.recv(65536)
                if not data:
                    upstream.close()
                    self.close_connection = True
                    return
                (upstream if source is client else client).sendall(data)
        upstream.close()
        self.close_connection = True

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Proxy)
    print(f"ready port={server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()
