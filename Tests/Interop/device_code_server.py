"""An authorization server with the device authorization grant (RFC 8628) and an MCP server it protects, for
mcp-bridge's device-code sign-in tests. oidc-provider-mock 0.3.4 has no device grant (nothing in it answers
`urn:ietf:params:oauth:grant-type:device_code`), so the authorization server is Authlib's (1.9.10, pinned in
requirements-browser.txt): its DeviceAuthorizationEndpoint, DeviceCodeGrant and RefreshTokenGrant on Flask,
with the models in memory. The MCP server is the official Python MCP SDK's, with a token verifier that accepts
this authorization server's tokens: two servers, two ports, as a real deployment with a separate identity provider.

Usage: device_code_server.py [--interval SECONDS] [--token-ttl SECONDS]

On 127.0.0.1 (ports the kernel chooses):
  MCP server, port N:
    /mcp                                        Streamable HTTP (stateless, JSON answers), bearer token required
    /.well-known/oauth-protected-resource/mcp   RFC 9728, naming the authorization server http://127.0.0.1:M
  Authorization server, port M (issuer http://127.0.0.1:M):
    /.well-known/oauth-authorization-server     RFC 8414 with device_authorization_endpoint; grant types
                                                device_code and refresh_token (no authorization_endpoint: there is
                                                no browser sign-in here)
    /register                                   dynamic client registration (RFC 7591), public or with a secret
    /device_authorization                       RFC 8628 §3.1: device_code, user_code (XXXX-XXXX), verification_uri
                                                http://127.0.0.1:M/device, interval (--interval, default 1 s)
    /device                                     the verification page: GET shows a form; POST user_code=CODE with
                                                action=approve (default) or deny decides, as a person would
    /token                                      device_code polling (authorization_pending, slow_down when polled
                                                faster than half the interval, access_denied, expired_token) and
                                                refresh_token (rotated: the old one is refused afterwards)

On stderr: "ready port=N" (the MCP server's port) once both listen, first "authorization server
http://127.0.0.1:M"; then one line per event a test counts:
  register client_id=ID auth_method=M grant_types=G,...
  device_authorization client_id=ID user_code=CODE scope=S
  device approve|deny user_code=CODE
  token grant_type=G client_id=ID outcome=issued|pending|slow_down|denied|refused[ resource=R]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import socket
import sys
import threading
import time
from html import escape

# Authlib refuses plain http (these URLs) unless this is set, as oidc-provider-mock's own command line does.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

import anyio  # noqa: E402
import uvicorn  # noqa: E402
from authlib.integrations.flask_oauth2 import AuthorizationServer  # noqa: E402
from authlib.oauth2.rfc6749 import ClientMixin, grants  # noqa: E402
from authlib.oauth2.rfc6749.errors import OAuth2Error  # noqa: E402
from authlib.oauth2.rfc8628 import (  # noqa: E402
    DEVICE_CODE_GRANT_TYPE,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialDict,
)
from flask import Flask, Response, request  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from mcp.server.auth.middleware.auth_context import get_access_token  # noqa: E402
from mcp.server.auth.provider import AccessToken  # noqa: E402
from mcp.server.auth.settings import AuthSettings  # noqa: E402
from mcp.server.mcpserver import MCPServer  # noqa: E402

SCOPE = "mcp"
SUBJECT = "device-user"
DEVICE_CODE_LIFETIME_SECONDS = 600
# Bounds on what clients can make this process keep; a test needs a handful of each.
MAX_ENTRIES = 10000


def event(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Store:
    """Everything the authorization server knows, in memory, under one lock (Flask serves on threads, the MCP
    server's token verifier reads from the event loop)."""

    def __init__(self, interval: int, token_ttl: int) -> None:
        self.lock = threading.Lock()
        self.interval = interval
        self.token_ttl = token_ttl
        self.clients: dict[str, Client] = {}
        self.devices: dict[str, DeviceCredentialDict] = {}  # device_code -> credential
        self.grants: dict[str, bool] = {}  # user_code -> approved
        self.last_poll: dict[str, float] = {}  # device_code -> when it was last polled
        self.access_tokens: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}

    def check_room(self, table: dict) -> None:
        if len(table) >= MAX_ENTRIES:
            raise OAuth2Error(description="too many entries held; restart the server", status_code=503)


class Client(ClientMixin):
    def __init__(self, metadata: dict) -> None:
        self.metadata = metadata

    def get_client_id(self):
        return self.metadata["client_id"]

    def get_default_redirect_uri(self):
        uris = self.metadata.get("redirect_uris") or []
        return uris[0] if uris else None

    def get_allowed_scope(self, scope):
        return scope if scope else SCOPE

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in (self.metadata.get("redirect_uris") or [])

    def check_client_secret(self, client_secret):
        expected = self.metadata.get("client_secret")
        return expected is not None and secrets.compare_digest(expected, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.metadata["token_endpoint_auth_method"]

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type in self.metadata["grant_types"]


class Token:
    """What RefreshTokenGrant needs of a stored refresh token."""

    def __init__(self, record: dict) -> None:
        self.record = record

    def check_client(self, client):
        return self.record["client_id"] == client.get_client_id()

    def get_scope(self):
        return self.record["scope"]

    def get_expires_in(self):
        return 0

    def is_expired(self):
        return False

    def is_revoked(self):
        return False


def make_authorization_server(store: Store, issuer: str) -> Flask:
    app = Flask("device_code_server")
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {DEVICE_CODE_GRANT_TYPE: store.token_ttl, "refresh_token": store.token_ttl}

    def query_client(client_id):
        with store.lock:
            return store.clients.get(client_id)

    def save_token(token, oauth_request):
        client_id = oauth_request.client.get_client_id()
        # The resource the token request names, else the device authorization's, else the refreshed token's.
        previous = getattr(oauth_request, "refresh_token", None)
        resource = (
            oauth_request.payload.data.get("resource")
            or getattr(oauth_request, "device_resource", None)
            or (previous.record["resource"] if isinstance(previous, Token) else None)
        )
        record = {
            "client_id": client_id,
            "scope": token.get("scope") or SCOPE,
            "expires_at": int(time.time()) + int(token.get("expires_in") or store.token_ttl),
            "resource": resource,
        }
        with store.lock:
            store.check_room(store.access_tokens)
            store.access_tokens[token["access_token"]] = record
            if token.get("refresh_token"):
                store.refresh_tokens[token["refresh_token"]] = record
        grant = oauth_request.payload.grant_type
        event(f"token grant_type={grant} client_id={client_id} outcome=issued resource={resource}")

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)

    class DeviceEndpoint(DeviceAuthorizationEndpoint):
        INTERVAL = store.interval
        EXPIRES_IN = DEVICE_CODE_LIFETIME_SECONDS

        def get_verification_uri(self):
            return f"{issuer}/device"

        def save_device_credential(self, client_id, scope, data):
            credential = DeviceCredentialDict(
                client_id=client_id,
                scope=scope or SCOPE,
                expires_at=time.time() + DEVICE_CODE_LIFETIME_SECONDS,
                resource=request.form.get("resource"),
                **data,
            )
            with store.lock:
                store.check_room(store.devices)
                store.devices[data["device_code"]] = credential
            event(f"device_authorization client_id={client_id} user_code={data['user_code']} scope={scope}")

    class DeviceGrant(DeviceCodeGrant):
        def query_device_credential(self, device_code):
            with store.lock:
                credential = store.devices.get(device_code)
            if credential is not None:
                # The resource named when the device was authorized, if the token request names none.
                self.request.device_resource = credential.get("resource")
            return credential

        def query_user_grant(self, user_code):
            with store.lock:
                approved = store.grants.get(user_code)
            return None if approved is None else (SUBJECT, approved)

        def should_slow_down(self, credential):
            now = time.monotonic()
            with store.lock:
                last = store.last_poll.get(credential["device_code"])
                store.last_poll[credential["device_code"]] = now
            # Half the interval as the line: a client that waits the interval is never told to slow down.
            return last is not None and now - last < store.interval / 2

        def create_token_response(self):
            status, body, headers = super().create_token_response()
            # A device code is redeemed once.
            with store.lock:
                store.devices.pop(self.request.credential["device_code"], None)
            return status, body, headers

    class RefreshGrant(grants.RefreshTokenGrant):
        INCLUDE_NEW_REFRESH_TOKEN = True
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def authenticate_refresh_token(self, refresh_token):
            with store.lock:
                record = store.refresh_tokens.get(refresh_token)
            return Token(record) if record else None

        def authenticate_user(self, refresh_token):
            return SUBJECT

        def revoke_old_credential(self, refresh_token):
            # Rotation: the refresh token just used is gone (the access tokens it brought stay until they expire).
            with store.lock:
                for value, record in list(store.refresh_tokens.items()):
                    if record is refresh_token.record:
                        store.refresh_tokens.pop(value, None)

    server.register_endpoint(DeviceEndpoint)
    server.register_grant(DeviceGrant)
    server.register_grant(RefreshGrant)

    @app.get("/.well-known/oauth-authorization-server")
    def metadata():
        return {
            "issuer": issuer,
            "token_endpoint": f"{issuer}/token",
            "registration_endpoint": f"{issuer}/register",
            "device_authorization_endpoint": f"{issuer}/device_authorization",
            "grant_types_supported": [DEVICE_CODE_GRANT_TYPE, "refresh_token"],
            "response_types_supported": [],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "scopes_supported": [SCOPE],
        }

    @app.post("/register")
    def register():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return {"error": "invalid_client_metadata", "error_description": "a JSON object is needed"}, 400
        method = body.get("token_endpoint_auth_method") or "client_secret_basic"
        if method not in ("none", "client_secret_basic", "client_secret_post"):
            return {"error": "invalid_client_metadata", "error_description": f"{method} is not supported"}, 400
        grant_types = body.get("grant_types") or [DEVICE_CODE_GRANT_TYPE, "refresh_token"]
        metadata = {
            **body,
            "client_id": "dev_" + secrets.token_urlsafe(12),
            "client_id_issued_at": int(time.time()),
            "token_endpoint_auth_method": method,
            "grant_types": grant_types,
        }
        if method != "none":
            metadata["client_secret"] = secrets.token_urlsafe(32)
            metadata["client_secret_expires_at"] = 0
        with store.lock:
            store.check_room(store.clients)
            store.clients[metadata["client_id"]] = Client(metadata)
        event(f"register client_id={metadata['client_id']} auth_method={method} grant_types={','.join(grant_types)}")
        return metadata, 201

    @app.post("/device_authorization")
    def device_authorization():
        return server.create_endpoint_response(DeviceEndpoint.ENDPOINT_NAME)

    @app.post("/token")
    def token():
        response = server.create_token_response()
        if response.status_code != 200:
            try:
                error = json.loads(response.get_data()).get("error")
            except ValueError:
                error = "?"
            outcome = {"authorization_pending": "pending", "slow_down": "slow_down", "access_denied": "denied"}
            event(
                f"token grant_type={request.form.get('grant_type')} client_id={request.form.get('client_id')} "
                f"outcome={outcome.get(error, 'refused')} error={error}"
            )
        return response

    @app.get("/device")
    def verification_page():
        code = escape(request.args.get("user_code", ""))
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connect a device</title></head>
<body><h1>Connect a device</h1><form method="post" action="/device">
<label>Code <input name="user_code" value="{code}"></label>
<button name="action" value="approve">Approve</button> <button name="action" value="deny">Deny</button>
</form></body></html>"""
        return Response(page, content_type="text/html; charset=utf-8")

    @app.post("/device")
    def verify():
        user_code = request.form.get("user_code", "").strip().upper()
        action = request.form.get("action", "approve")
        with store.lock:
            known = any(credential["user_code"] == user_code for credential in store.devices.values())
            if known:
                store.grants[user_code] = action == "approve"
        if not known:
            return Response("<p>No device is waiting for this code.</p>", status=404, content_type="text/html")
        event(f"device {action} user_code={user_code}")
        verdict = "approved: you can go back to your device" if action == "approve" else "denied"
        return Response(f"<p>The device is {verdict}.</p>", content_type="text/html")

    return app


class StoreTokenVerifier:
    """The MCP server's side: a bearer token is good if this authorization server issued it, it has not expired,
    and it was issued for this MCP server (when the client named a resource at all)."""

    def __init__(self, store: Store, resource: str) -> None:
        self.store = store
        self.resource = resource

    async def verify_token(self, token: str) -> AccessToken | None:
        with self.store.lock:
            record = self.store.access_tokens.get(token)
        if record is None or record["expires_at"] < time.time():
            return None
        if record["resource"] not in (None, self.resource):
            return None
        return AccessToken(
            token=token,
            client_id=record["client_id"],
            scopes=record["scope"].split(),
            expires_at=record["expires_at"],
            resource=record["resource"],
            subject=SUBJECT,
        )


class PlainLog(WSGIRequestHandler):
    """Werkzeug's request log off: the events above are what a test reads."""

    def log_request(self, code="-", size="-"):
        pass


class Ready(logging.Handler):
    """Says "ready port=N" once uvicorn has started the MCP application (the socket was bound before)."""

    def __init__(self, port: int):
        super().__init__()
        self.port = port

    def emit(self, record):
        if record.getMessage().startswith("Application startup complete"):
            print(f"ready port={self.port}", file=sys.stderr, flush=True)


async def main(interval: int, token_ttl: int) -> None:
    store = Store(interval, token_ttl)
    authorization = make_server("127.0.0.1", 0, None, threaded=True, request_handler=PlainLog)
    issuer = f"http://127.0.0.1:{authorization.socket.getsockname()[1]}"
    authorization.app = make_authorization_server(store, issuer)
    threading.Thread(target=authorization.serve_forever, daemon=True).start()
    event(f"authorization server {issuer}")

    # Bound first: the resource URL names the port.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    resource = f"http://127.0.0.1:{port}/mcp"
    mcp = MCPServer(
        "device-code-protected-server",
        token_verifier=StoreTokenVerifier(store, resource),
        auth=AuthSettings(
            issuer_url=issuer,
            resource_server_url=resource,
            # The verifier checks the resource itself (and accepts a token whose request named none).
            validate_token_resource=False,
            required_scopes=[SCOPE],
        ),
    )

    @mcp.tool()
    def echo(text: str) -> str:
        """Returns its text argument unchanged."""
        return text

    @mcp.tool()
    def whoami() -> dict:
        """Who the bearer token belongs to."""
        token = get_access_token()
        return {} if token is None else {"clientId": token.client_id, "subject": token.subject}

    app = mcp.streamable_http_app(json_response=True, stateless_http=True)
    http_server = uvicorn.Server(uvicorn.Config(app, log_level="info", access_log=False))
    # After Config: it reconfigures uvicorn's loggers.
    logging.getLogger("uvicorn.error").addHandler(Ready(port))
    try:
        await http_server.serve(sockets=[sock])
    finally:
        authorization.shutdown()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=int, default=1, metavar="SECONDS", help="device polling interval")
    parser.add_argument("--token-ttl", type=int, default=3600, metavar="SECONDS", help="access token lifetime")
    arguments = parser.parse_args()
    anyio.run(main, arguments.interval, arguments.token_ttl)
