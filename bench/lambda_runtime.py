"""Lambda-mode benchmark: a local Runtime API endpoint (AWS's 2018-06-01 contract) that starts a function,
times its init (process start to its first `invocation/next`) and the per-invocation time (event handed out to
response received), for mcp-server and for a Python SDK peer.

Usage: lambda_runtime.py NAME COLD_STARTS INVOCATIONS -- COMMAND...
Prints one JSON line with the figures. The function gets AWS_LAMBDA_RUNTIME_API and the variables it inherits.
"""

import json
import os
import queue
import select
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Runtime:
    def __init__(self):
        self.events = queue.Queue()
        self.results = queue.Queue()
        self.next_calls = queue.Queue()
        self.sent_at = {}


runtime = Runtime()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without it, the body written after the headers waits for the client's delayed ACK (40 ms per call).
    disable_nagle_algorithm = True

    def do_GET(self):  # .../invocation/next
        arrived = time.perf_counter()
        if not self.peer_closed():  # a killed function's last `next` does not count as the next one's init
            runtime.next_calls.put(arrived)
        while True:
            request_id, event = runtime.events.get()
            # A killed function's pending `next` must not swallow the event meant for the next process.
            if self.peer_closed():
                runtime.events.put((request_id, event))
                self.close_connection = True
                return
            break
        body = json.dumps(event).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench")
        self.end_headers()
        runtime.sent_at[request_id] = time.perf_counter()
        self.wfile.write(body)
        self.wfile.flush()
        runtime.sent_at[request_id] = time.perf_counter()

    def peer_closed(self):
        readable, _, _ = select.select([self.connection], [], [], 0)
        return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""

    def do_POST(self):  # .../response, .../error, init/error
        received = time.perf_counter()
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        runtime.results.put((received, self.path, body))

    def log_message(self, *args):
        pass


def event(method, path, body=""):
    return {
        "version": "2.0", "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json", "accept": "application/json, text/event-stream",
                    "mcp-protocol-version": "2025-06-18", "host": "bench.lambda-url.us-east-1.on.aws"},
        "requestContext": {"domainName": "bench.lambda-url.us-east-1.on.aws", "stage": "$default",
                           "requestId": "r", "http": {"method": method, "path": path, "sourceIp": "192.0.2.1"}},
        "body": body, "isBase64Encoded": False,
    }


ECHO = event("POST", "/mcp", json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                         "params": {"name": "echo", "arguments": {"text": "hello"}}}))


def invoke(payload):
    request_id = str(uuid.uuid4())
    runtime.events.put((request_id, payload))
    try:
        received, path, body = runtime.results.get(timeout=30)
    except queue.Empty:
        sys.exit("no answer within 30 s (set LAMBDA_BENCH_LOG=FILE to keep the function's stderr)")
    if not path.endswith("/response"):
        sys.exit(f"invocation failed: {path} {body[:300]!r}")
    answer = json.loads(body)
    if answer.get("statusCode") != 200:
        sys.exit(f"unexpected answer: {answer}")
    return (received - runtime.sent_at[request_id]) * 1000


def main():
    name, cold_starts, invocations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    command = sys.argv[sys.argv.index("--") + 1:]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}")
    log = open(os.environ.get("LAMBDA_BENCH_LOG", os.devnull), "ab")
    inits, firsts = [], []
    warm = []
    for start in range(cold_starts):
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            first_next = runtime.next_calls.get(timeout=30)
        except queue.Empty:
            sys.exit("the function did not call invocation/next within 30 s (LAMBDA_BENCH_LOG=FILE keeps its stderr)")
        inits.append((first_next - started) * 1000)
        firsts.append(invoke(ECHO))
        if start == cold_starts - 1:
            for _ in range(50):  # warm up
                invoke(ECHO)
            for _ in range(invocations):
                warm.append(invoke(ECHO))
        process.kill()
        process.wait()
        while not runtime.next_calls.empty():
            runtime.next_calls.get()
    warm.sort()
    print(json.dumps({
        "name": name,
        "init_ms_p50": round(statistics.median(inits), 2), "init_ms_min": round(min(inits), 2),
        "init_ms_max": round(max(inits), 2),
        "first_invocation_ms_p50": round(statistics.median(firsts), 3),
        "invocation_ms_p50": round(warm[len(warm) // 2], 3),
        "invocation_ms_p99": round(warm[int(len(warm) * 0.99) - 1], 3),
    }))


if __name__ == "__main__":
    main()
