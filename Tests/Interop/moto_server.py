"""Starts moto's server (a DynamoDB-compatible endpoint) on 127.0.0.1, handling one request at a time.

Usage: moto_server.py [PORT]   (default 0: any free port; prints "ready port=N" on stderr once listening)

`moto_server` itself answers requests on many threads, and its in-memory backends do not isolate them: two
concurrent `UpdateItem ... ADD` calls can both read the old count and one increment is lost, where DynamoDB
applies each atomically. Serving one request at a time gives the store tests the isolation the real service
guarantees; the tests still send their requests concurrently.
"""

import sys

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

if __name__ == "__main__":
    server = make_server(
        "127.0.0.1",
        int(sys.argv[1]) if len(sys.argv) > 1 else 0,
        DomainDispatcherApplication(create_backend_app),
        threaded=False,
        request_handler=MotoRequestHandler,
    )
    # The socket listens from here on; connections wait in its backlog until serve_forever accepts them.
    print(f"ready port={server.socket.getsockname()[1]}", file=sys.stderr, flush=True)
    server.serve_forever()
