"""A server written with the official Python MCP SDK, for the bridge tests.

Usage: python_sdk_server.py MODE PORT
  json    Streamable HTTP, stateless, JSON answers (the SDK's fastest mode)
  sse     Streamable HTTP, stateful (Mcp-Session-Id), SSE answers
  legacy  the 2024-11-05 HTTP+SSE transport (GET /sse, POST /messages/)

Prints "ready" on stderr once it accepts connections.
"""

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
    def emit(self, record):
        if "Uvicorn running" in record.getMessage():
            print("ready", file=sys.stderr, flush=True)


async def main(mode: str, port: int) -> None:
    big = 16 * 1024 * 1024
    if mode == "legacy":
        app = server.sse_app(max_request_body_size=big)
    else:
        app = server.streamable_http_app(
            json_response=(mode == "json"),
            stateless_http=(mode == "json"),
            max_request_body_size=big,
        )
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", access_log=False)
    # After Config: it reconfigures uvicorn's loggers.
    logging.getLogger("uvicorn.error").addHandler(Ready())
    await uvicorn.Server(config).serve()


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], int(sys.argv[2]))
