"""Serves `oidc-provider-mock` (PyPI, pinned in requirements-browser.txt), an OpenID Connect provider we did not
write, on 127.0.0.1: the upstream identity provider of the sign-in tests.

Usage: oidc_provider.py [PORT] [--user-claims JSON]... [--require-nonce] [--require-registration]
                        [--no-refresh-token] [--token-max-age SECONDS]
   (PORT default 0: any free port; prints "ready port=N" on stderr once listening)

What a test needs to know about the mock (0.3.x):
- Discovery: GET /.well-known/openid-configuration. The issuer is the request's own host URL, so use
  http://127.0.0.1:N everywhere (discovery, the browser, the token request): a client that asked through
  "localhost" would see another issuer. Authorization at /oauth2/authorize, token /oauth2/token, JWKS /jwks,
  userinfo /userinfo, registration /oauth2/clients, end session /oauth2/end_session. id_tokens are RS256 with one
  key made at start; their header has no "kid", and the JWKS key has a "kid" but no "alg", so a verifier must
  accept a token without a kid when the key set has a single RS256-usable key.
- Clients: without --require-registration any client_id and secret are accepted, with any redirect URI. PKCE is
  not enforced: a code_challenge is accepted and ignored, and so is the code_verifier. The nonce is put in the
  id_token when the request has one (--require-nonce refuses a request without one).
- Who signs in: GET /oauth2/authorize shows a form with one text field, `sub`, a button "Authorize", and a button
  "Deny" (name=action, value=deny); any `sub` typed is accepted and signs in as that person. A test drives it with
  browser.py: fill("sub", "alice@example.com"), click("Authorize") (or click("Deny") for access_denied). Without a
  browser: POST the same authorization URL with the form body sub=... (or action=deny) and read the 302 Location.
- Claims: a person typed in gets {"email": sub}. Other claims (name, email_verified, groups, ...) are set before
  sign-in with --user-claims '{"sub": "alice", "email": "alice@example.com", "groups": ["admins"]}' (such people
  also get a one-click button named after their sub, name=sub value=SUB) or at run time with
  PUT /users/SUB and the JSON claims object as body (204). POST /users/SUB/revoke-tokens revokes theirs.
  Standard claims are released per scope (email needs the "email" scope, name "profile"); others always.
- Its pages link a stylesheet on a public CDN: browser.py keeps Chromium off every address but loopback, so they
  render unstyled, and nothing leaves the machine.
"""

import argparse
import json
import logging
import os
import sys
import warnings
from datetime import timedelta

# Authlib refuses plain http (the provider's own URLs here) unless this is set, as the mock's own CLI does.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
import authlib.deprecate  # noqa: E402  (it turns its own warnings on when imported)

# The mock imports Authlib modules that Authlib itself deprecates: nothing a test can act on.
warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)

import oidc_provider_mock  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402


class PlainLog(WSGIRequestHandler):
    """Werkzeug's request log without its ANSI colours (the log is a file)."""

    def log_request(self, code="-", size="-"):
        self.log("info", '"%s" %s %s', self.requestline, code, size)


def users(values):
    result = []
    for value in values:
        claims = json.loads(value)
        if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str) or not claims["sub"]:
            sys.exit(f'--user-claims needs a JSON object with a "sub": {value}')
        sub = claims.pop("sub")
        result.append(oidc_provider_mock.User(sub=sub, claims=claims))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="oidc-provider-mock on 127.0.0.1")
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument("--user-claims", action="append", default=[], metavar="JSON")
    parser.add_argument("--require-nonce", action="store_true")
    parser.add_argument("--require-registration", action="store_true")
    parser.add_argument("--no-refresh-token", action="store_true")
    parser.add_argument("--token-max-age", type=int, default=3600, metavar="SECONDS")
    arguments = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    app = oidc_provider_mock.app(
        require_client_registration=arguments.require_registration,
        require_nonce=arguments.require_nonce,
        issue_refresh_token=not arguments.no_refresh_token,
        access_token_max_age=timedelta(seconds=arguments.token_max_age),
        user_claims=users(arguments.user_claims),
    )
    server = make_server("127.0.0.1", arguments.port, app, threaded=True, request_handler=PlainLog)
    # The socket listens from here on; connections wait in its backlog until serve_forever accepts them.
    print(f"ready port={server.socket.getsockname()[1]}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
