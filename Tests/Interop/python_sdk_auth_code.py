"""Interop check: the official Python MCP SDK's authorization-code client (`OAuthClientProvider`) signs a person in
to a running mcp-server through a real browser, as an MCP host does.

Usage: python_sdk_auth_code.py MCP_URL USERNAME PASSWORD [--client-metadata-url URL] [--mode auto|legacy]

The SDK starts from nothing but MCP_URL: the 401, protected-resource metadata, authorization-server metadata, then
dynamic client registration, or, with --client-metadata-url, that URL as its client_id (a Client ID Metadata
Document the test serves; the document must list http://127.0.0.1/callback, which matches any port). Its redirect
handler drives headless Chromium (browser.py): the sign-in form, then Allow on the consent page. The redirect URI is
a callback server of this script on 127.0.0.1 (a port the kernel chooses), whose query the callback handler hands
to the SDK as code, state and iss. Then it lists tools and calls whoami; then it makes the SDK believe its access
token expired (its own clock: the only thing that makes it refresh) and calls whoami in a second session, which
must refresh (a rotated refresh token) and not open the browser again.

Prints one JSON line {"seen": ..., "problems": [...]}; exits 1 when there is a problem.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import anyio
from browser import Browser
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken


class MemoryStorage:
    """The SDK's token storage, in memory; keeps every token set it was given, to see the refresh."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None
        self.history: list[OAuthToken] = []

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens
        self.history.append(tokens)

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class CallbackServer:
    """The redirect URI: answers GET /callback with a page a person would read, and queues its query."""

    def __init__(self) -> None:
        self.queries: queue.Queue[dict[str, str]] = queue.Queue()
        queries = self.queries

        class Callback(BaseHTTPRequestHandler):
            def log_message(self, *arguments):
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                if url.path != "/callback":
                    self.send_response(404)
                    self.end_headers()
                    return
                body = b"<!doctype html><title>Signed in</title><p>Signed in. You can close this window.</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                queries.put({key: values[0] for key, values in parse_qs(url.query).items()})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Callback)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def main(arguments: argparse.Namespace) -> dict:
    seen: dict = {"pages": [], "redirects": 0}
    callback = CallbackServer()
    storage = MemoryStorage()
    with Browser() as browser:

        def sign_in(url: str) -> None:
            """What a person does in the browser the host opened: sign in, read the consent page, Allow."""
            seen["authorization_url"] = url
            browser.open(url)
            if browser.driver.find_elements("name", "password"):
                seen["pages"].append("sign-in")
                browser.fill("username", arguments.username)
                browser.fill("password", arguments.password)
                browser.click("Sign in")
            if "wants to use your account" in browser.text():
                seen["pages"].append("consent")
                seen["consent_text"] = browser.text()
                browser.click(name="action", value="allow")

        async def redirect_handler(url: str) -> None:
            seen["redirects"] += 1
            await anyio.to_thread.run_sync(sign_in, url)

        async def callback_handler() -> AuthorizationCodeResult:
            query = await anyio.to_thread.run_sync(lambda: callback.queries.get(timeout=30))
            seen["callback"] = sorted(query)
            if "error" in query:
                raise RuntimeError(f"the authorization failed: {query}")
            return AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))

        provider = OAuthClientProvider(
            server_url=arguments.url,
            client_metadata=OAuthClientMetadata(
                client_name="Python SDK sign-in test",
                redirect_uris=[callback.url],
                grant_types=["authorization_code", "refresh_token"],
                response_types=["code"],
                token_endpoint_auth_method="none",
            ),
            storage=storage,
            redirect_handler=redirect_handler,
            callback_handler=callback_handler,
            client_metadata_url=arguments.client_metadata_url,
        )
        http = create_mcp_http_client(auth=provider)
        try:
            async with Client(
                streamable_http_client(arguments.url, http_client=http), mode=arguments.mode, read_timeout_seconds=30
            ) as client:
                seen["protocol_version"] = client.protocol_version
                tools = await client.list_tools()
                seen["tools"] = [tool.name for tool in tools.tools]
                whoami = await client.call_tool("whoami", {})
                seen["whoami"] = whoami.structured_content
                echo = await client.call_tool("echo", {"text": "signed in"})
                seen["echo"] = echo.content[0].text

            # The SDK refreshes before a request once its own clock says the access token expired (a 401 starts a
            # whole new sign-in instead), and an hour is too long to wait: move its clock.
            provider.context.token_expiry_time = time.time() - 1
            async with Client(
                streamable_http_client(arguments.url, http_client=http), mode=arguments.mode, read_timeout_seconds=30
            ) as client:
                whoami = await client.call_tool("whoami", {})
                seen["whoami_after_refresh"] = whoami.structured_content
        finally:
            await http.aclose()
            callback.close()

    seen["client_id"] = storage.client_info.client_id if storage.client_info else None
    seen["token_sets"] = len(storage.history)
    if len(storage.history) >= 2:
        first, last = storage.history[0], storage.history[-1]
        seen["refresh_rotated"] = bool(first.refresh_token and last.refresh_token != first.refresh_token)
        seen["access_token_changed"] = last.access_token != first.access_token
        seen["scope"] = last.scope
    return seen


def check(seen: dict, arguments: argparse.Namespace) -> list[str]:
    problems = []

    def expect(condition, what):
        if not condition:
            problems.append(what)

    expect(seen["redirects"] == 1, f"the browser was opened {seen['redirects']} times, not once")
    expect(seen["pages"] == ["sign-in", "consent"], f"pages {seen['pages']}")
    expect(seen.get("callback") == ["code", "iss", "state"], f"callback parameters {seen.get('callback')}")
    expect("whoami" in seen.get("tools", []), f"tools {seen.get('tools')}")
    expect(seen.get("echo") == "signed in", f"echo {seen.get('echo')}")
    for key in ("whoami", "whoami_after_refresh"):
        person = (seen.get(key) or {}).get("person") or {}
        expect(person.get("username") == arguments.username, f"{key} {seen.get(key)}")
        expect((seen.get(key) or {}).get("clientId") == seen["client_id"], f"{key} client {seen.get(key)}")
    expect(seen["token_sets"] == 2, f"{seen['token_sets']} token sets: expected the code's and one refresh")
    expect(seen.get("refresh_rotated") is True, "the refresh token did not rotate")
    expect(seen.get("access_token_changed") is True, "the refresh gave the same access token")
    if arguments.client_metadata_url:
        expect(seen["client_id"] == arguments.client_metadata_url, f"client_id {seen['client_id']}")
    else:
        expect(seen["client_id"] and not seen["client_id"].startswith("https://"), f"client_id {seen['client_id']}")
    return problems


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("--client-metadata-url")
    parser.add_argument("--mode", default="auto", choices=["auto", "legacy"])
    arguments = parser.parse_args()
    seen = asyncio.run(main(arguments))
    problems = check(seen, arguments)
    print(json.dumps({"seen": seen, "problems": problems}))
    sys.exit(1 if problems else 0)
