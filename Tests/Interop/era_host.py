"""A host written with the official Python MCP SDK (pinned in requirements.txt), speaking one MCP era over stdio
to the command after `--` (mcp-bridge), for the era-translation tests.

Usage: era_host.py ERA SCENARIO -- COMMAND [ARGS...]
  ERA       legacy (initialize, 2025-11-25) | modern (2026-07-28, no probe)
  SCENARIO  mcp-server   our server's catalog: lists, countdown with progress, confirm (answered by the elicitation
                         callback), and bump seen as a list change and a resource update
            mcp-server-calls  the same without the change notifications
            python       the Python SDK test server: echo, and confirm answered by the elicitation callback
            no-elicit    confirm without an elicitation capability: the error the host gets
            echo         one echo call

Prints one JSON object with what it saw on stdout; the test asserts on it. Exits non-zero when the SDK raised.
"""

import json
import os
import sys
import warnings

import anyio
import mcp_types as types
from mcp import Client, StdioServerParameters

warnings.simplefilter("ignore")


async def answer_elicitation(context, params):
    """Says yes to everything: true for booleans, "octocat" for strings."""
    content = {}
    for name, schema in (params.requested_schema or {}).get("properties", {}).items():
        content[name] = True if schema.get("type") == "boolean" else "octocat"
    return types.ElicitResult(action="accept", content=content)


def text(result) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def main(era: str, scenario: str, command: list[str]) -> dict:
    seen: dict = {"era": era}
    notifications: list[str] = []
    updates: list[str] = []
    progress: list = []
    arrived = anyio.Event()

    async def on_message(message):
        if isinstance(message, Exception):
            return
        method = getattr(message, "method", None)
        if method:
            notifications.append(method)
            if method == "notifications/resources/updated":
                updates.append(message.params.uri)
        if "notifications/tools/list_changed" in notifications and updates:
            arrived.set()

    async def on_progress(value, total, message):
        progress.append(value)

    parameters = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    callback = None if scenario == "no-elicit" else answer_elicitation
    mode = "legacy" if era == "legacy" else "2026-07-28"
    async with Client(parameters, mode=mode, elicitation_callback=callback, message_handler=on_message) as client:
        seen["protocolVersion"] = client.protocol_version
        seen["serverName"] = client.server_info.name if client.server_info else None
        if scenario == "echo":
            seen["echo"] = text(await client.call_tool("echo", {"text": "grüße"}))
        elif scenario == "no-elicit":
            try:
                await client.call_tool("confirm", {"question": "Proceed?"})
                seen["error"] = None
            except Exception as error:  # the JSON-RPC error the bridge answered with
                seen["error"] = str(error)
        elif scenario == "python":
            seen["echo"] = text(await client.call_tool("echo", {"text": "grüße"}))
            seen["confirm"] = text(await client.call_tool("confirm", {"question": "Proceed?"}))
            seen["progress"] = text(await client.call_tool("progress", {"steps": 3}, progress_callback=on_progress))
            seen["progressSeen"] = len(progress)
        else:
            seen["tools"] = sorted(tool.name for tool in (await client.list_tools()).tools)
            seen["countdown"] = text(
                await client.call_tool("countdown", {"steps": 3}, progress_callback=on_progress)
            )
            seen["progressSeen"] = len(progress)
            seen["confirm"] = text(await client.call_tool("confirm", {"question": "Proceed?"}))
            if scenario == "mcp-server-calls":
                seen["notifications"] = sorted(set(notifications))
                return seen
            counter = "remote-mcp://counter"
            if era == "legacy":
                await client.subscribe_resource(counter)
                await client.call_tool("bump", {"lists": ["tools"]})
                with anyio.fail_after(20):
                    await arrived.wait()
            else:
                async with client.listen(tools_list_changed=True, resource_subscriptions=[counter]) as subscription:
                    seen["honored"] = subscription.honored.model_dump(by_alias=True, exclude_none=True)
                    await client.call_tool("bump", {"lists": ["tools"]})
                    with anyio.fail_after(20):
                        async for event in subscription:
                            notifications.append(type(event).__name__)
                            if "ResourceUpdated" in notifications and "ToolsListChanged" in notifications:
                                break
            seen["counterUpdated"] = counter in updates or "ResourceUpdated" in notifications
    seen["notifications"] = sorted(set(notifications))
    return seen


if __name__ == "__main__":
    split = sys.argv.index("--")
    print(json.dumps(anyio.run(main, sys.argv[1], sys.argv[2], sys.argv[split + 1 :])), flush=True)
