"""The Python peer for bench/lambda.sh: the official MCP Python SDK's server (stateless, JSON responses) run as a
Lambda function the usual Python way: a Runtime API loop that hands each API Gateway event to the SDK's ASGI app
in process, as Mangum does. Same `echo` tool as mcp-server. Runs with .venv/bin/python (mcp 2.3.0).
"""

import asyncio
import base64
import json
import logging
import os
import urllib.request

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

logging.basicConfig(level=logging.WARNING)
server = MCPServer("python-peer")


@server.tool()
def echo(text: str) -> str:
    """Returns its text argument unchanged."""
    return text


async def call(app, event):
    """One API Gateway v2 event through the ASGI app; returns the v2 response document."""
    body = event.get("body") or ""
    content = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    http = event["requestContext"]["http"]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": http["method"],
        "scheme": "https", "path": event["rawPath"], "raw_path": event["rawPath"].encode(),
        "query_string": event.get("rawQueryString", "").encode(), "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in event.get("headers", {}).items()],
        "client": (http.get("sourceIp", "0.0.0.0"), 0), "server": (event["requestContext"]["domainName"], 443),
    }
    delivered = False
    response = {"status": 500, "headers": {}, "body": b""}

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": content, "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            response["headers"] = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return {"statusCode": response["status"], "headers": response["headers"],
            "body": response["body"].decode(), "isBase64Encoded": False}


async def main():
    base = f"http://{os.environ['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime"
    # API Gateway fronts the function; Host is its domain, which the SDK's loopback-only default would refuse.
    security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    app = server.streamable_http_app(json_response=True, stateless_http=True, transport_security=security)
    # ASGI lifespan: the SDK starts its session manager there.
    inbox, outbox = asyncio.Queue(), asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put))
    started = await outbox.get()
    assert started["type"] == "lifespan.startup.complete", started
    while True:
        with await asyncio.to_thread(urllib.request.urlopen, base + "/invocation/next") as answer:
            request_id = answer.headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(answer.read())
        document = json.dumps(await call(app, event)).encode()
        post = urllib.request.Request(f"{base}/invocation/{request_id}/response", data=document, method="POST")
        await asyncio.to_thread(lambda: urllib.request.urlopen(post).close())
    lifespan.cancel()


asyncio.run(main())
