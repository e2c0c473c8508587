"""The peer for bench/server.sh: the official Python MCP SDK server with the same `echo` tool,
in its fastest configuration (stateless, JSON responses), logging only warnings.

Usage: python_sdk_server.py PORT
"""

import logging
import sys

from mcp.server.mcpserver import MCPServer

logging.basicConfig(level=logging.WARNING)
server = MCPServer("python-sdk-peer")


@server.tool()
def echo(text: str) -> str:
    """Returns its text argument unchanged."""
    return text


if __name__ == "__main__":
    server.run(
        "streamable-http",
        host="127.0.0.1",
        port=int(sys.argv[1]),
        json_response=True,
        stateless_http=True,
    )
