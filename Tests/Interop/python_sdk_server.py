"""A server written with the official Python MCP SDK, for the bridge tests.

Usage: python_sdk_server.py MODE PORT [CERT_FILE]   (PORT 0: any free port)
  json    Streamable HTTP, stateless, JSON answers (the SDK's fastest mode)
  tls     json over HTTPS with a freshly made self-signed certificate for 127.0.0.1, written to CERT_FILE
  sse     Streamable HTTP, stateful (Mcp-Session-Id), SSE answers
  sse-legacy-only  sse, refusing 2026-07-28 requests the way a server that predates it does (400, -32600)
  legacy  the 2024-11-05 HTTP+SSE transport (GET /sse, POST /messages/)

Prints "ready port=N" on stderr once it accepts connections on 127.0.0.1:N (a port that is taken ends the process).
"""

import json
import logging
import sys

import anyio
import uvicorn
from pydantic import BaseModel

from mcp.server.mcpserver import Context, MCPServer

logging.basicConfig(level=logging.WARNING)
server = MCPServer("python-sdk-test-server")


@server.tool()
def echo(text: str) -> str:
    """Returns its text argument unchanged."""
    return text


@server.tool()
async def progress(steps: int, ctx: Context) -> str:
    """Reports `steps` progress notifications, then answers."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step}")
    return f"done after {steps} steps"


class Confirmation(BaseModel):
    confirm: bool


@server.tool()
async def confirm(question: str, ctx: Context) -> str:
    """Asks the client (elicitation, a server-to-client request) and reports the answer."""
    result = await ctx.elicit(message=question, schema=Confirmation)
    if result.action == "accept" and result.data is not None:
        return f"confirmed={result.data.confirm}"
    return f"action={result.action}"


@server.tool()
async def announce(ctx: Context) -> str:
    """Sends notifications/tools/list_changed outside any request (on the GET stream, in SSE mode)."""
    await ctx.request_context.session.send_tool_list_changed()
    return "announced"


class Ready(logging.Handler):
    """Says "ready port=N" when uvicorn reports that it listens; N is the bound port (PORT may be 0)."""

    def __init__(self, server: uvicorn.Server):
        super().__init__()
        self.server = server

    def emit(self, record):
        if record.getMessage().startswith("Uvicorn running"):
            port = self.server.servers[0].sockets[0].getsockname()[1]
            print(f"ready port={port}", file=sys.stderr, flush=True)


def make_certificate(cert_file: str) -> str:
    """A self-signed certificate for 127.0.0.1 and localhost; returns the key file."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "remote-mcp test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    with open(cert_file, "wb") as out:
        out.write(certificate.public_bytes(serialization.Encoding.PEM))
    key_file = cert_file + ".key"
    with open(key_file, "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return key_file


def legacy_only(app):
    """The SDK serves both eras; this refuses any request naming a 2026-07-28 protocol version, as a server that
    predates that era does (it does not know the version)."""
    from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

    async def wrapper(scope, receive, send):
        if scope["type"] == "http":
            version = dict(scope["headers"]).get(b"mcp-protocol-version")
            if version is not None and version.decode("latin-1") not in HANDSHAKE_PROTOCOL_VERSIONS:
                body = json.dumps({"jsonrpc": "2.0", "id": "server-error", "error": {
                    "code": -32600, "message": f"Bad Request: Unsupported protocol version: {version.decode('latin-1')}"}})
                await send({"type": "http.response.start", "status": 400,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": body.encode()})
                return
        await app(scope, receive, send)

    return wrapper


async def main(mode: str, port: int, cert_file: str | None = None) -> None:
    big = 16 * 1024 * 1024
    if mode == "legacy":
        app = server.sse_app(max_request_body_size=big)
    else:
        app = server.streamable_http_app(
            json_response=(mode in ("json", "tls")),
            stateless_http=(mode in ("json", "tls")),
            max_request_body_size=big,
        )
        if mode == "sse-legacy-only":
            app = legacy_only(app)
    tls = {}
    if mode == "tls":
        tls = {"ssl_certfile": cert_file, "ssl_keyfile": make_certificate(cert_file)}
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", access_log=False, **tls)
    http_server = uvicorn.Server(config)
    # After Config: it reconfigures uvicorn's loggers.
    logging.getLogger("uvicorn.error").addHandler(Ready(http_server))
    await http_server.serve()


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], int(sys.argv[2]), *sys.argv[3:])
