"""The "browser" of mcp-bridge's sign-in tests: given as $BROWSER, it signs a person in over plain HTTP, as a person
would in a browser, so a test sees the bridge's whole authorization code flow without Chromium.

Usage: signin_browser.py URL     (the bridge runs "$BROWSER URL" with its sign-in link, http://127.0.0.1:PORT/sign-in/…,
                                  which redirects to the authorization URL; give it through a wrapper script when the
                                  interpreter's path and this file's are two words)

Like xdg-open it returns at once: it logs the opening, then a detached copy of itself (its own session, stdio on
/dev/null, so it holds none of the bridge's pipes) does the signing in and ends by itself within
SIGNIN_BROWSER_TIMEOUT seconds (default 90), whatever happens.

Environment:
  SIGNIN_BROWSER_LOG    required: a file or FIFO; one JSON object a line is appended to it, each written whole with
                        one write(2) of at most 4000 bytes, so lines from copies running at once never interleave
                        (a FIFO write under PIPE_BUF is atomic). Events, each with "pid":
                          {"event": "opened", "url": URL}            at once, before returning to the bridge
                          {"event": "authorization", "url": URL}     where the sign-in link redirected
                          {"event": "held"}                          waiting on SIGNIN_BROWSER_HOLD
                          {"event": "released"}
                          {"event": "page", "page": "sign-in"|"consent", "url": URL}
                          {"event": "callback", "url": URL, "status": N, "text": PAGE_TEXT, "pages": [...]}
                          {"event": "error", "error": WHY, "url": URL, "text": PAGE_TEXT}
  SIGNIN_BROWSER_HOLD   a FIFO: before signing in, wait until one byte can be read from it (each byte the test
                        writes releases one waiting browser; the test keeps the FIFO open, so nothing is lost).
  SIGNIN_USERNAME, SIGNIN_PASSWORD   for mcp-server's sign-in form (default alice / correct horse battery staple)
  SIGNIN_CONSENT        allow (default) or deny, on mcp-server's consent page
  SIGNIN_BROWSER_TIMEOUT  seconds before the detached copy gives up (default 90)

What it does, page by page: GET the URL with a cookie jar of its own (mcp-server's cookies are `__Host-` and
`Secure`, which a browser keeps for http://127.0.0.1 and Python's cookie jar does not: so a plain name=value jar per
host), follow redirects; on a page with a password field, fill the username and password and post the form with
all its hidden fields (and the Origin header a browser sends); on a page with buttons named "action", post the
form with action=allow (or deny); stop at the redirect URI of the authorization request (the loopback callback),
GET it, and log the page it answers. An authorization server that approves at once (the Python SDK's example
provider) just redirects to the callback.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

# Under PIPE_BUF (4096 on Linux): one write of a line this long to a FIFO is never split or interleaved.
MAX_LINE_BYTES = 4000
# Redirects and form posts one sign-in may take; mcp-server needs five.
MAX_STEPS = 20
# A page read is capped: nothing a test needs is longer.
MAX_PAGE_BYTES = 256 * 1024
DEFAULT_TIMEOUT_SECONDS = 90


def log(event: str, **fields) -> None:
    """Appends one JSON line to SIGNIN_BROWSER_LOG with a single write (page text shortened to fit)."""
    record = {"event": event, "pid": os.getpid(), **fields}
    line = json.dumps(record).encode() + b"\n"
    if len(line) > MAX_LINE_BYTES and "text" in record:
        excess = len(line) - MAX_LINE_BYTES + 20
        record["text"] = record["text"][: max(0, len(record["text"]) - excess)] + " …"
        line = json.dumps(record).encode() + b"\n"
    if len(line) > MAX_LINE_BYTES:
        record = {"event": event, "pid": os.getpid(), "truncated": True, "url": str(fields.get("url", ""))[:3000]}
        line = json.dumps(record).encode() + b"\n"
    # Non-blocking open: a FIFO whose reader has gone (the test ended) refuses at once (ENXIO) instead of blocking
    # this process; the line is then dropped, as nobody is left to read it. The write itself blocks as usual.
    try:
        fd = os.open(os.environ["SIGNIN_BROWSER_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o600)
    except OSError as error:
        if error.errno == errno.ENXIO:
            return
        raise
    try:
        os.set_blocking(fd, True)
        os.write(fd, line)
    finally:
        os.close(fd)


def detach() -> bool:
    """Forks a copy that goes on alone (returns True in it); the caller's process returns False and should exit.

    The copy starts its own session, puts its stdio on /dev/null and closes every other descriptor it inherited:
    the bridge that ran $BROWSER may be killed, and a test waiting for that bridge's pipes to close must not wait
    for this copy."""
    if os.fork() > 0:
        return False
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    # Nothing else inherited either: a descriptor the bridge leaked (its callback listener, say) would keep the
    # port bound after the bridge is killed, and a FIFO end of the test's would hide its end of file.
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    return True


def give_up_after(seconds: int) -> None:
    """Ends this process after `seconds`, logging why: a detached copy must never outlive its test. Its whole
    process group goes (the detached copy leads one), so a Chromium it started goes with it."""

    def expire(*_):
        log("error", error=f"gave up after {seconds} s")
        os.killpg(os.getpgrp(), signal.SIGKILL)

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)


def wait_for_release(path: str) -> bool:
    """Blocks until one byte can be read from the FIFO at `path` (the test's signal; see the module doc); False
    when the test closed the FIFO instead."""
    log("held")
    # Opened without waiting for a writer; the test holds the FIFO open for as long as browsers may wait on it.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        os.set_blocking(fd, True)
        # One byte, unbuffered: each byte the test writes releases exactly one waiting browser.
        released = os.read(fd, 1)
    finally:
        os.close(fd)
    if not released:
        # End of file: the test closed its end without releasing this browser (it ended, or failed).
        log("error", error="the hold FIFO was closed without a release")
        return False
    log("released")
    return True


class Page(HTMLParser):
    """The forms of a page (action, method, fields, buttons) and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.text_parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attributes):
        attributes = {name: (value or "") for name, value in attributes}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "form":
            self.forms.append(
                {
                    "action": attributes.get("action", ""),
                    "method": attributes.get("method", "get").lower(),
                    "fields": [],
                    "buttons": [],
                }
            )
        elif tag == "input" and self.forms:
            self.forms[-1]["fields"].append(
                (attributes.get("name", ""), attributes.get("type", "text").lower(), attributes.get("value", ""))
            )
        elif tag == "button" and self.forms and attributes.get("name"):
            self.forms[-1]["buttons"].append((attributes["name"], attributes.get("value", "")))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in ("p", "h1", "h2", "li", "div", "form", "title", "label"):
            self.text_parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.text_parts).splitlines())
        return "\n".join(line for line in lines if line)


def parse(body: str) -> Page:
    page = Page()
    page.feed(body)
    page.close()
    return page


class Jar:
    """name=value cookies per host:port, sent back to the same host:port (a browser's view of 127.0.0.1, which
    counts as secure, so `Secure` cookies travel over http)."""

    def __init__(self) -> None:
        self.cookies: dict[str, dict[str, str]] = {}

    def header(self, url: str) -> str | None:
        cookies = self.cookies.get(urlsplit(url).netloc, {})
        return "; ".join(f"{name}={value}" for name, value in cookies.items()) or None

    def store(self, url: str, response: httpx.Response) -> None:
        host = self.cookies.setdefault(urlsplit(url).netloc, {})
        for header in response.headers.get_list("set-cookie"):
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            expired = any(
                part.strip().lower() in ("max-age=0", "max-age=-1") for part in attributes.split(";")
            )
            if expired:
                host.pop(name, None)
            elif name:
                host[name] = value


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_in(url: str) -> int:
    """Follows the authorization URL to the callback; logs what happened; returns the exit status."""
    username = os.environ.get("SIGNIN_USERNAME", "alice")
    password = os.environ.get("SIGNIN_PASSWORD", "correct horse battery staple")
    consent = os.environ.get("SIGNIN_CONSENT", "allow")
    # The bridge's sign-in link is served by the listener the callback reaches; an authorization URL names it.
    if urlsplit(url).path.startswith("/sign-in/"):
        redirect_uri = origin(url) + "/callback"
    else:
        redirect_uri = (parse_qs(urlsplit(url).query).get("redirect_uri") or [None])[0]

    def is_callback(target: str) -> bool:
        if redirect_uri:
            return target.split("?")[0] == redirect_uri.split("?")[0]
        parts = urlsplit(target)
        return parts.hostname in ("127.0.0.1", "localhost", "::1") and parts.path == "/callback"

    jar = Jar()
    pages: list[str] = []
    method, target, form = "GET", url, None
    with httpx.Client(timeout=30, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_STEPS):
            headers = {"User-Agent": "signin_browser.py (mcp-bridge tests)", "Accept": "text/html"}
            if cookie := jar.header(target):
                headers["Cookie"] = cookie
            if method == "POST":
                headers["Origin"] = origin(target)
            try:
                response = client.request(method, target, data=form, headers=headers)
            except httpx.HTTPError as error:
                log("error", error=f"{method} {target}: {type(error).__name__}: {error}", url=target)
                return 1
            body = response.content[:MAX_PAGE_BYTES].decode("utf-8", "replace")
            if is_callback(target):
                log(
                    "callback",
                    url=target,
                    status=response.status_code,
                    text=parse(body).text if "html" in response.headers.get("content-type", "") else body,
                    pages=pages,
                )
                return 0 if response.status_code == 200 else 1
            jar.store(target, response)
            if response.is_redirect:
                location = urljoin(target, response.headers["location"])
                if target == url and urlsplit(url).path.startswith("/sign-in/"):
                    log("authorization", url=location)
                method, target, form = "GET", location, None
                continue
            page = parse(body)
            if response.status_code != 200:
                log("error", error=f"{method} {target} answered {response.status_code}", url=target, text=page.text)
                return 1
            password_form = next(
                (f for f in page.forms if any(kind == "password" for _, kind, _ in f["fields"])), None
            )
            consent_form = next((f for f in page.forms if any(n == "action" for n, _ in f["buttons"])), None)
            if password_form is not None:
                if "sign-in" in pages:
                    log("error", error="the sign-in form came back: refused", url=target, text=page.text)
                    return 1
                pages.append("sign-in")
                log("page", page="sign-in", url=target)
                chosen = password_form
                form = {}
                for name, kind, value in chosen["fields"]:
                    if not name:
                        continue
                    if kind == "password":
                        form[name] = password
                    elif kind == "hidden":
                        form[name] = value
                    elif name == "username" or kind in ("text", "email"):
                        form[name] = username
            elif consent_form is not None:
                pages.append("consent")
                log("page", page="consent", url=target)
                chosen = consent_form
                form = {name: value for name, kind, value in chosen["fields"] if name and kind == "hidden"}
                form["action"] = consent
            else:
                log("error", error="a page with neither a sign-in form nor a consent form", url=target, text=page.text)
                return 1
            if chosen["method"] != "post":
                log("error", error=f"the form's method is {chosen['method']}, not post", url=target, text=page.text)
                return 1
            method, target = "POST", urljoin(target, chosen["action"] or target)
        log("error", error=f"no callback within {MAX_STEPS} steps", url=target)
        return 1


def main(argv: list[str]) -> int:
    if len(argv) != 2 or "SIGNIN_BROWSER_LOG" not in os.environ:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    url = argv[1]
    log("opened", url=url)
    if not detach():
        return 0
    give_up_after(int(os.environ.get("SIGNIN_BROWSER_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)))
    try:
        if (hold := os.environ.get("SIGNIN_BROWSER_HOLD")) and not wait_for_release(hold):
            return 1
        return sign_in(url)
    except Exception as error:  # anything unexpected still reaches the test's log
        log("error", error=f"{type(error).__name__}: {error}", url=url)
        return 1


if __name__ == "__main__":
    # os._exit in the detached copy: nothing of the parent's (buffers, atexit) runs twice.
    status = main(sys.argv)
    sys.stdout.flush()
    os._exit(status)
