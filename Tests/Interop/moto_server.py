"""Starts moto's server (a DynamoDB-compatible endpoint) on 127.0.0.1, handling one request at a time.

Usage: moto_server.py PORT

`moto_server` itself answers requests on many threads, and its in-memory backends do not isolate them: two
concurrent `UpdateItem ... ADD` calls can both read the old count and one increment is lost, where DynamoDB
applies each atomically. Serving one request at a time gives the store tests the isolation the real service
guarantees; the tests still send their requests concurrently.
"""

import sys

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app, run_simple

if __name__ == "__main__":
    run_simple(
        "127.0.0.1",
        int(sys.argv[1]),
        DomainDispatcherApplication(create_backend_app),
        threaded=False,
        request_handler=MotoRequestHandler,
    )
