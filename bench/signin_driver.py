"""Drives whole authorization-code sign-ins against mcp-server, as a browser and an MCP host would, and prints one
Markdown table row per kind of flow.

    signin_driver.py BASE_URL CLIENT_ID REDIRECT_URI USERNAME PASSWORD SECONDS CONCURRENCY

Each flow makes a PKCE pair, then:
- "first sign-in": a fresh browser (no cookies): GET /authorize (sign-in page), POST /authorize/sign-in (bcrypt),
  POST /authorize/consent Allow, then POST /token (authorization_code, PKCE verifier). The client is public with a
  loopback redirect, like Claude Code or VS Code, so the consent page comes every time (RFC 8252 §8.6).
- "returning browser": cookies kept from a first sign-in: GET /authorize (the session is remembered: the consent
  page), POST /authorize/consent Allow, then POST /token.
- "refresh": POST /token with grant_type=refresh_token, rotating the family's token each time.

Cookies are handled here, not by http.cookiejar: the server's cookies are `Secure`, which Python's jar never sends
over http, while browsers do for 127.0.0.1. Standard library only; one thread per concurrent flow, each with its own
keep-alive connection (the GIL is released while waiting on the socket, and the server, not Python, is the work).
"""

from __future__ import annotations

import base64
import hashlib
import html
import http.client
import json
import re
import secrets
import sys
import threading
import time
import urllib.parse

HIDDEN = re.compile(r'<input type="hidden" name="(csrf|request)" value="([^"]*)"')


class Browser:
    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.prefix = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        self.connection.request(method, self.prefix + path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), data


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def code_from(location: str | None) -> str:
    if not location or "code=" not in location:
        raise RuntimeError(f"no code in redirect {location!r}")
    return urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]


class Flows:
    def __init__(self, base: str, client: str, redirect: str, username: str, password: str) -> None:
        self.base, self.client, self.redirect = base, client, redirect
        self.username, self.password = username, password

    def authorize_path(self, challenge: str) -> str:
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.client, "redirect_uri": self.redirect,
            "code_challenge": challenge, "code_challenge_method": "S256", "state": secrets.token_urlsafe(8),
            "resource": self.base + "/mcp",
        })
        return "/authorize?" + query

    def token(self, browser: Browser, form: dict[str, str]) -> dict:
        status, _, body = browser.request("POST", "/token", urllib.parse.urlencode(form))
        if status != 200:
            raise RuntimeError(f"/token answered {status}: {body[:200]}")
        return json.loads(body)

    def exchange(self, browser: Browser, code: str, verifier: str) -> dict:
        return self.token(browser, {
            "grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect,
            "code_verifier": verifier, "client_id": self.client,
        })

    def first_sign_in(self, browser: Browser) -> dict:
        browser.cookies.clear()
        verifier, challenge = pkce()
        status, _, page = browser.request("GET", self.authorize_path(challenge))
        fields = dict((name, html.unescape(value)) for name, value in HIDDEN.findall(page))
        if status != 200 or len(fields) != 2:
            raise RuntimeError(f"/authorize answered {status} without the sign-in form")
        form = {**fields, "username": self.username, "password": self.password}
        status, location, page = browser.request("POST", "/authorize/sign-in", urllib.parse.urlencode(form))
        if status == 200:  # the consent page: only the first time this client is used
            fields = dict((name, html.unescape(value)) for name, value in HIDDEN.findall(page))
            status, location, page = browser.request(
                "POST", "/authorize/consent", urllib.parse.urlencode({**fields, "action": "allow"}))
        if status != 303:
            raise RuntimeError(f"sign-in answered {status}: {page[:200]}")
        return self.exchange(browser, code_from(location), verifier)

    def returning(self, browser: Browser) -> dict:
        verifier, challenge = pkce()
        status, location, page = browser.request("GET", self.authorize_path(challenge))
        if status == 200:  # the consent page: a public app on a loopback redirect is asked every time
            fields = dict((name, html.unescape(value)) for name, value in HIDDEN.findall(page))
            status, location, page = browser.request(
                "POST", "/authorize/consent", urllib.parse.urlencode({**fields, "action": "allow"}))
        if status != 303:
            raise RuntimeError(f"a returning browser got {status}, not a redirect: {page[:200]}")
        return self.exchange(browser, code_from(location), verifier)


def run(label: str, seconds: float, concurrency: int, make, step) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        state = make()
        mine: list[float] = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                step(state)
                mine.append(time.perf_counter() - started)
            except Exception as error:  # counted, and the first few shown: the table must not hide failures
                with lock:
                    errors[0] += 1
                    if errors[0] <= 3:
                        print(f"{label}: {error}", file=sys.stderr)
                state = make()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0
    print(f"| {label} | {concurrency} | {len(latencies) / elapsed:.0f} | {percentile(0.5):.2f} | "
          f"{percentile(0.99):.2f} | {errors[0]} |", flush=True)


def main() -> None:
    base, client, redirect, username, password, seconds, concurrency = sys.argv[1:8]
    seconds, concurrency = float(seconds), int(concurrency)
    flows = Flows(base.rstrip("/"), client, redirect, username, password)

    run("first sign-in (password, bcrypt cost 12) + consent + token", seconds, concurrency,
        lambda: Browser(flows.base), flows.first_sign_in)

    def signed_in() -> Browser:
        browser = Browser(flows.base)
        flows.first_sign_in(browser)
        return browser
    run("returning browser: /authorize + consent + token", seconds, concurrency, signed_in, flows.returning)

    def holder() -> list:
        browser = Browser(flows.base)
        return [browser, flows.first_sign_in(browser)["refresh_token"]]

    def refresh(state: list) -> None:
        answer = flows.token(state[0], {
            "grant_type": "refresh_token", "refresh_token": state[1], "client_id": flows.client})
        state[1] = answer["refresh_token"]
    run("refresh (rotation)", seconds, concurrency, holder, refresh)

    # The last line is a token for the tools/call rows of bench/signin.sh.
    print("TOKEN " + flows.first_sign_in(Browser(flows.base))["access_token"])


if __name__ == "__main__":
    main()
