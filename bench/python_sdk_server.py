"""The peer for bench/server.sh: the official Python MCP SDK server with the same `echo` tool,
in its fastest configuration (stateless, JSON responses), logging only warnings.

Usage: python_sdk_server.py PORT   (PORT 0: any free port; prints "ready port=N" on stderr once listening)
"""

import logging
import socket
import sys

import anyio
import uvicorn

from mcp.server.mcpserver import MCPServer

logging.basicConfig(level=logging.WARNING)
server = MCPServer("python-sdk-peer")


@server.tool()
def echo(text: str) -> str:
    """Returns its text argument unchanged."""
    return text


async def main(port: int) -> None:
    # What `server.run("streamable-http", ...)` does, on a socket bound here so the port it got can be reported.
    app = server.streamable_http_app(json_response=True, stateless_http=True, host="127.0.0.1")
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", port))
    listening.listen(2048)
    # Connections wait in the backlog until uvicorn accepts them.
    print(f"ready port={listening.getsockname()[1]}", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level=server.settings.log_level.lower())
    await uvicorn.Server(config).serve(sockets=[listening])


if __name__ == "__main__":
    anyio.run(main, int(sys.argv[1]))
