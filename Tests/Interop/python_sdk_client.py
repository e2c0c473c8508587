"""Interop check: the official Python MCP SDK (`mcp` on PyPI) against a running mcp-server.

Usage: python_sdk_client.py MCP_URL MODE   (MODE: legacy | auto)

`legacy` forces the initialize handshake; `auto` lets the SDK probe `server/discover`, which must land
in the stateless 2026-07-28 era. Prints one JSON line with what it saw; exits non-zero on any mismatch.

With MCP_CLIENT_ID, MCP_CLIENT_SECRET and MCP_ISSUER set, the SDK's client-credentials OAuth provider
authenticates: it starts from nothing but the MCP URL (401, protected-resource metadata, authorization
server metadata, token), and PyJWT then verifies the token it got against the server's /jwks.json.
"""

import asyncio
import json
import os
import sys

import jwt
from mcp import Client
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


class MemoryStorage:
    """Token storage for the OAuth provider, in memory."""

    def __init__(self):
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


def verify_with_pyjwt(token: str, issuer: str, audience: str) -> dict:
    """Independent verification: PyJWT, keys fetched from the server's JWKS."""
    jwks = jwt.PyJWKClient(issuer + "/jwks.json")
    key = jwks.get_signing_key_from_jwt(token)
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, key.key, algorithms=["ES256"], audience=audience, issuer=issuer)
    return {"typ": header.get("typ"), "alg": header.get("alg"), "claims": sorted(claims.keys()), "scope": claims["scope"]}


async def main(url: str, mode: str) -> dict:
    seen: dict = {}
    progress: list = []

    async def on_progress(value, total, message):
        progress.append([value, total, message])

    storage = None
    server = url
    if os.environ.get("MCP_CLIENT_ID"):
        storage = MemoryStorage()
        provider = ClientCredentialsOAuthProvider(
            server_url=url,
            storage=storage,
            client_id=os.environ["MCP_CLIENT_ID"],
            client_secret=os.environ["MCP_CLIENT_SECRET"],
            issuer=os.environ["MCP_ISSUER"],
        )
        server = streamable_http_client(url, http_client=create_mcp_http_client(auth=provider))

    async with Client(server, mode=mode, read_timeout_seconds=30) as client:
        seen["protocol_version"] = client.protocol_version
        tools = await client.list_tools()
        seen["tools"] = [tool.name for tool in tools.tools]

        echo = await client.call_tool("echo", {"text": "héllo\nwörld 😀"})
        seen["echo"] = echo.content[0].text
        seen["echo_is_error"] = bool(echo.is_error)

        added = await client.call_tool("add", {"a": 2, "b": 40.5})
        seen["add_text"] = added.content[0].text
        seen["add_structured"] = added.structured_content

        bad = await client.call_tool("add", {"a": "two", "b": 1})
        seen["bad_is_error"] = bool(bad.is_error)

        countdown = await client.call_tool("countdown", {"steps": 3}, progress_callback=on_progress)
        seen["countdown"] = countdown.content[0].text
        seen["progress"] = progress

        resources = await client.list_resources()
        seen["resources"] = [str(resource.uri) for resource in resources.resources]
        about = await client.read_resource("remote-mcp://about")
        seen["about"] = about.contents[0].text
        greeting = await client.read_resource("greeting://Ada")
        seen["greeting"] = greeting.contents[0].text

        templates = await client.list_resource_templates()
        seen["templates"] = [template.uri_template for template in templates.resource_templates]

        prompts = await client.list_prompts()
        seen["prompts"] = [prompt.name for prompt in prompts.prompts]
        prompt = await client.get_prompt("summarize", {"text": "Swift is fast."})
        seen["prompt"] = prompt.messages[0].content.text
    if storage is not None:
        seen["jwt"] = verify_with_pyjwt(storage.tokens.access_token, os.environ["MCP_ISSUER"], url)
    return seen


def check(seen: dict, mode: str) -> list:
    problems = []

    def expect(condition, what):
        if not condition:
            problems.append(what)

    if mode == "legacy":
        expect(seen["protocol_version"] < "2026-07-28", f"legacy mode negotiated {seen['protocol_version']}")
    else:
        expect(seen["protocol_version"] == "2026-07-28", f"auto mode landed on {seen['protocol_version']}")
    expect(seen["tools"] == ["echo", "add", "server_time", "countdown", "confirm", "bump", "whoami"], f"tools {seen['tools']}")
    expect(seen["echo"] == "héllo\nwörld 😀" and not seen["echo_is_error"], "echo")
    expect(seen["add_text"] == "42.5" and seen["add_structured"] == {"sum": 42.5}, "add")
    expect(seen["bad_is_error"], "invalid arguments must give isError")
    expect(seen["countdown"] == "Liftoff after 3 steps", "countdown result")
    expect([p[0] for p in seen["progress"]] == [1, 2, 3], f"progress {seen['progress']}")
    expect(seen["resources"] == ["remote-mcp://about", "remote-mcp://counter"], "resources")
    expect("2026-07-28" in seen["about"], "about resource")
    expect(seen["greeting"] == "Hello, Ada!", "template resource")
    expect(seen["templates"] == ["greeting://{name}"], "templates")
    expect(seen["prompts"] == ["summarize"], "prompts")
    expect("Swift is fast." in seen["prompt"], "prompt")
    if "jwt" in seen:
        expect(seen["jwt"]["typ"] == "at+jwt" and seen["jwt"]["alg"] == "ES256", f"jwt header {seen['jwt']}")
        required = {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope"}
        expect(required <= set(seen["jwt"]["claims"]), f"jwt claims {seen['jwt']['claims']}")
    return problems


if __name__ == "__main__":
    url, mode = sys.argv[1], sys.argv[2]
    seen = asyncio.run(main(url, mode))
    problems = check(seen, mode)
    print(json.dumps({"mode": mode, "seen": seen, "problems": problems}))
    sys.exit(1 if problems else 0)
