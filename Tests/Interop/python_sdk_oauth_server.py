"""An MCP server that is its own OAuth authorization server, both written with the official Python MCP SDK (mcp
2.3.0): an authorization server we did not write, for mcp-bridge's sign-in tests.

Usage: python_sdk_oauth_server.py [--token-ttl SECONDS]

The SDK's MCPServer with `auth_server_provider` set serves, on 127.0.0.1 (a port the kernel chooses):
  /mcp                                        Streamable HTTP (stateless, JSON answers), bearer token required
  /.well-known/oauth-protected-resource/mcp   RFC 9728, naming the issuer http://127.0.0.1:N
  /.well-known/oauth-authorization-server     RFC 8414 (the SDK's routes)
  /authorize /token /register /revoke         the SDK's handlers over the in-memory provider below

The provider is modelled on the SDK's `simple-auth` example, without its login page: authorization approves at
once (a redirect straight to the client's redirect URI with code, state and iss), PKCE S256 (checked by the SDK's
token handler), dynamic client registration, refresh tokens rotated on every use (the old one is gone: using it
again is invalid_grant), revocation of an access token or refresh token together with its pair. Tokens are bound
to the resource the client named (RFC 8707) and checked against it at /mcp.

Tools: echo(text) and whoami() (the token's client_id, subject, scopes).

On stderr: "ready port=N" once it accepts connections, then one line per event a test counts:
  register client_id=ID redirect_uris=URI,... auth_method=M
  authorize client_id=ID scopes=S resource=R
  token grant_type=authorization_code|refresh_token client_id=ID outcome=issued|refused[ reason=...]
  revoke client_id=ID kind=access_token|refresh_token
"""

from __future__ import annotations

import argparse
import logging
import secrets
import socket
import sys
import time

import anyio
import uvicorn
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    RegistrationError,
    TokenError,
    construct_redirect_uri,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

SCOPE = "mcp"
SUBJECT = "python-sdk-user"
CODE_LIFETIME_SECONDS = 300
# Bounds on what clients can make this process keep: a test registers a handful; a runaway client gets refused.
MAX_CLIENTS = 1000
MAX_GRANTS = 10000


def event(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class InMemoryProvider:
    """The SDK's `OAuthAuthorizationServerProvider` protocol, in memory: every grant approved at once."""

    def __init__(self, issuer: str, token_ttl: int) -> None:
        self.issuer = issuer
        self.token_ttl = token_ttl
        self.clients: dict[str, OAuthClientInformationFull] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        # access token -> its refresh token and back, so revoking one revokes the pair
        self.pairs: dict[str, str] = {}

    def _full(self) -> bool:
        return len(self.codes) + len(self.access_tokens) + len(self.refresh_tokens) >= MAX_GRANTS

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.clients.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        if len(self.clients) >= MAX_CLIENTS:
            raise RegistrationError(error="invalid_client_metadata", error_description="too many clients")
        self.clients[client_info.client_id] = client_info
        uris = ",".join(str(uri) for uri in client_info.redirect_uris or [])
        event(
            f"register client_id={client_info.client_id} redirect_uris={uris} "
            f"auth_method={client_info.token_endpoint_auth_method}"
        )

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        if self._full():
            raise AuthorizeError(error="temporarily_unavailable", error_description="too many grants held")
        code = secrets.token_urlsafe(32)
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes or [SCOPE],
            expires_at=time.time() + CODE_LIFETIME_SECONDS,
            client_id=client.client_id,
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
            subject=SUBJECT,
        )
        scopes = " ".join(params.scopes or [])
        event(f"authorize client_id={client.client_id} scopes={scopes} resource={params.resource}")
        # The approval a person would give, at once; iss as RFC 9207 describes (clients may check it).
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state, iss=self.issuer)

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> AuthorizationCode | None:
        code = self.codes.get(authorization_code)
        if code is None:
            event(f"token grant_type=authorization_code client_id={client.client_id} outcome=refused reason=unknown")
        return code

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        # Single use: gone before anything is issued.
        self.codes.pop(authorization_code.code, None)
        event(f"token grant_type=authorization_code client_id={client.client_id} outcome=issued")
        return self._issue(client.client_id, authorization_code.scopes, authorization_code.resource)

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> RefreshToken | None:
        token = self.refresh_tokens.get(refresh_token)
        if token is None or token.client_id != client.client_id:
            event(f"token grant_type=refresh_token client_id={client.client_id} outcome=refused reason=unknown")
            return None
        return token

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        # Rotation: the old refresh token and the access token it was paired with are gone.
        self._revoke_pair(refresh_token.token)
        event(f"token grant_type=refresh_token client_id={client.client_id} outcome=issued")
        return self._issue(client.client_id, scopes or refresh_token.scopes, refresh_token.resource)

    async def load_access_token(self, token: str) -> AccessToken | None:
        access = self.access_tokens.get(token)
        if access is None:
            return None
        if access.expires_at is not None and access.expires_at < time.time():
            self._revoke_pair(token)
            return None
        return access

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        kind = "access_token" if isinstance(token, AccessToken) else "refresh_token"
        event(f"revoke client_id={token.client_id} kind={kind}")
        self._revoke_pair(token.token)

    def _issue(self, client_id: str, scopes: list[str], resource: str | None) -> OAuthToken:
        if self._full():
            raise TokenError(error="invalid_request", error_description="too many grants held; restart the server")
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        expires_at = int(time.time()) + self.token_ttl
        self.access_tokens[access] = AccessToken(
            token=access,
            client_id=client_id,
            scopes=scopes,
            expires_at=expires_at,
            resource=resource,
            subject=SUBJECT,
        )
        self.refresh_tokens[refresh] = RefreshToken(
            token=refresh, client_id=client_id, scopes=scopes, resource=resource, subject=SUBJECT
        )
        self.pairs[access] = refresh
        self.pairs[refresh] = access
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=self.token_ttl,
            scope=" ".join(scopes),
            refresh_token=refresh,
        )

    def _revoke_pair(self, token: str) -> None:
        other = self.pairs.pop(token, None)
        if other is not None:
            self.pairs.pop(other, None)
        for value in (token, other):
            if value is not None:
                self.access_tokens.pop(value, None)
                self.refresh_tokens.pop(value, None)


class Ready(logging.Handler):
    """Says "ready port=N" once uvicorn has started the application (the socket was bound before)."""

    def __init__(self, port: int):
        super().__init__()
        self.port = port

    def emit(self, record):
        if record.getMessage().startswith("Application startup complete"):
            print(f"ready port={self.port}", file=sys.stderr, flush=True)


def make_server(issuer: str, token_ttl: int) -> MCPServer:
    provider = InMemoryProvider(issuer, token_ttl)
    server = MCPServer(
        "python-sdk-oauth-server",
        auth_server_provider=provider,
        auth=AuthSettings(
            # Strings, not AnyHttpUrl: AuthSettings keeps a path-less issuer without a trailing slash only when it
            # parses the string itself, and RFC 9207 compares the issuer exactly.
            issuer_url=issuer,
            resource_server_url=f"{issuer}/mcp",
            validate_token_resource=True,
            required_scopes=[SCOPE],
            client_registration_options=ClientRegistrationOptions(
                enabled=True, valid_scopes=[SCOPE], default_scopes=[SCOPE]
            ),
            revocation_options=RevocationOptions(enabled=True),
        ),
    )

    @server.tool()
    def echo(text: str) -> str:
        """Returns its text argument unchanged."""
        return text

    @server.tool()
    def whoami() -> dict:
        """Who the bearer token belongs to."""
        token = get_access_token()
        if token is None:
            return {}
        return {"clientId": token.client_id, "subject": token.subject, "scopes": token.scopes}

    return server


async def main(token_ttl: int) -> None:
    # Bound first: the issuer and resource URLs name the port, and port 0 is known only once bound.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    issuer = f"http://127.0.0.1:{port}"
    app = make_server(issuer, token_ttl).streamable_http_app(json_response=True, stateless_http=True)
    config = uvicorn.Config(app, log_level="info", access_log=False)
    http_server = uvicorn.Server(config)
    # After Config: it reconfigures uvicorn's loggers.
    logging.getLogger("uvicorn.error").addHandler(Ready(port))
    await http_server.serve(sockets=[sock])


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--token-ttl", type=int, default=3600, metavar="SECONDS", help="access token lifetime")
    arguments = parser.parse_args()
    anyio.run(main, arguments.token_ttl)
