"""A real browser for the sign-in tests: headless Chromium (Debian's `chromium`) driven through Debian's
`chromedriver` (`chromium-driver`) by Selenium (PyPI, pinned in requirements-browser.txt).

As a module (the Python SDK's redirect handler, a test's own script):

    from browser import Browser
    with Browser() as browser:                      # a fresh profile: no cookies from any earlier run
        browser.open(authorize_url)
        browser.fill("username", "alice")
        browser.fill("password", "secret")
        browser.click("Sign in")                    # a button by its text, or click(name="action", value="allow")
        browser.screenshot("consent.png")           # phone-sized, 2x: readable in a README
        assert "wants to use your account" in browser.text()
        callback = browser.wait_for_url("http://127.0.0.1:8123/callback")   # the redirect's full URL

As a command:

    browser.py selfcheck           drives a form on a local http.server (127.0.0.1, any port); prints "ok"
    browser.py run STEPS_JSON      runs steps (a JSON list, or "-" to read it from stdin) in one browser, printing
                                   one JSON object a line: [{"open": URL}, {"fill": ["sub", "alice"]},
                                   {"click": "Authorize"}, {"click": {"name": "action", "value": "deny"}},
                                   {"click": {"text": "Open the app", "navigates": false}},
                                   {"wait_for_url": PREFIX}, {"expect_text": "..."}, {"text": null},
                                   {"screenshot": PATH}]; each line has the step, "url" and, for text and
                                   wait_for_url, "text" or "matched". On failure: a line {"error": ...}, a screenshot
                                   at $BROWSER_FAILURE_SCREENSHOT if that is set, and exit status 1.

How the browser is set up, and why:
- Debian's paths: /usr/lib/chromium/chromium (the binary the /usr/bin/chromium launcher script executes; the flags
  that script adds are set here instead) and /usr/bin/chromedriver; REMOTE_MCP_CHROMIUM and
  REMOTE_MCP_CHROMEDRIVER override them. Selenium Manager (which would download a driver) is never used.
- --headless=new; --no-sandbox only when running as root (Chromium refuses to start as root otherwise);
  --disable-dev-shm-usage (Docker's default 64 MB /dev/shm crashes renderers); a temporary profile directory,
  removed on close.
- Loopback only: every request to another host goes to a proxy at 127.0.0.1:9 where nothing listens (Chromium
  never proxies loopback), and the host resolver resolves no other name, so a page's CDN stylesheet or Chromium's
  own background requests fail at once, on this machine. Background networking, component updates, sync and the
  password manager are off.
- Viewport: 390 x 844 CSS pixels at device scale 2, as a phone (mobile emulation: a page with
  <meta name="viewport" content="width=device-width"> is 390 px wide and its screenshot 780 px; one without it is
  laid out 980 px wide and shrunk, as a phone would); Browser(width=1280, height=800, scale=1, mobile=False) for a
  desktop.
- Redirects the browser does not follow (a private-use scheme such as cursor://) are still seen: wait_for_url also
  looks at every URL requested, from Chromium's network events.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("REMOTE_MCP_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMEDRIVER = os.environ.get("REMOTE_MCP_CHROMEDRIVER", "/usr/bin/chromedriver")
# Where every non-loopback request goes: a port on 127.0.0.1 that nothing listens on (the discard port).
DEAD_PROXY = "127.0.0.1:9"


class Browser:
    """One headless Chromium with its own temporary profile; a context manager (close() quits it)."""

    def __init__(self, *, width=390, height=844, scale=2, mobile=True, timeout=15.0, log_path=None):
        for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
            if not os.access(path, os.X_OK):
                raise RuntimeError(f"{path} is missing: apt-get install {package} (scripts/test.sh does)")
        self.timeout = timeout
        self.requested: list[str] = []  # every URL the browser requested so far (see wait_for_url)
        self.profile = tempfile.mkdtemp(prefix="browser-profile-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        arguments = [
            "--headless=new",
            f"--user-data-dir={self.profile}",
            "--disable-dev-shm-usage",
            f"--proxy-server=http://{DEAD_PROXY}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--disable-breakpad",
            "--no-first-run",
            "--no-default-browser-check",
            "--password-store=basic",
            "--disable-features=Translate,OptimizationHints,MediaRouter,PasswordLeakDetection",
            "--lang=en-US",
            f"--window-size={width},{height}",
        ]
        if os.geteuid() == 0:
            arguments.append("--no-sandbox")
        for argument in arguments:
            options.add_argument(argument)
        if mobile:
            options.add_experimental_option(
                "mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": scale}}
            )
        else:
            options.add_argument(f"--force-device-scale-factor={scale}")
        # Chromium's network events: how wait_for_url sees a redirect it does not follow (cursor://...).
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        options.add_experimental_option(
            "prefs",
            {
                "credentials_enable_service": False,
                "profile.password_manager_enabled": False,
                "profile.password_manager_leak_detection": False,
                "intl.accept_languages": "en-US,en",
            },
        )
        service = Service(executable_path=CHROMEDRIVER, log_output=log_path or os.devnull)
        try:
            self.driver = webdriver.Chrome(service=service, options=options)
        except BaseException:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        try:
            self.driver.set_page_load_timeout(timeout)
            if not mobile:  # headless Chromium's window keeps about 140 px of its height for a toolbar it does not draw
                self.driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
                )
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def close(self):
        """Quits Chromium and chromedriver and removes the profile."""
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # Reading the page.

    @property
    def url(self) -> str:
        """The address of the page shown (for a failed navigation, the address that failed)."""
        return self.driver.current_url

    def text(self) -> str:
        """The page's visible text (the body's innerText)."""
        return self.driver.find_element(By.TAG_NAME, "body").text

    def html(self) -> str:
        return self.driver.page_source

    def cookies(self) -> list[dict]:
        """The cookies visible to the current page, each with name, value, httpOnly, secure, sameSite, ..."""
        return self.driver.get_cookies()

    # Acting on it.

    def open(self, url: str):
        """Navigates to url and returns once it loaded (redirects followed). A navigation that ends at an address
        nothing answers (a redirect straight to a loopback callback where nobody listens) is not an error here,
        as it is not for click: the address stays, for url and wait_for_url."""
        try:
            self.driver.get(url)
        except WebDriverException as error:
            if "net::ERR_" not in (error.msg or ""):
                raise

    def fill(self, name: str, value: str):
        """Types value into the form field named name (cleared first)."""
        field = self._wait(lambda driver: driver.find_element(By.NAME, name), f'a field named "{name}"')
        field.clear()
        field.send_keys(value)

    def click(
        self, text: str | None = None, *, name: str | None = None, value: str | None = None, navigates: bool = True
    ):
        """Clicks a button (or submit input, or link) by its visible text, or by its name (and value). With
        navigates (the default: a form's submit button, a link), returns once the page it leads to has loaded,
        and fails if the page does not change (a required field left empty, a redirect to a private-use scheme
        such as cursor:// that Chromium does not follow); navigates=False returns at once."""
        if text is None and name is None:
            raise ValueError("click needs a text or a name")

        def find(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, "button, input[type=submit], input[type=button], a"):
                if name is not None:
                    if element.get_attribute("name") != name:
                        continue
                    if value is not None and element.get_attribute("value") != value:
                        continue
                    if text is None or _label(element) == text:
                        return element
                elif _label(element) == text:
                    return element
            return None

        what = f'a button "{text}"' if name is None else f'a button named "{name}"' + (
            f' with value "{value}"' if value is not None else ""
        )
        element = self._wait(find, what)
        old_page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        if not navigates:
            return
        # The old document stays until the response to the submitted form arrives (a slow sign-in, a bcrypt hash):
        # wait until it is gone, then until the new one has loaded.
        try:
            WebDriverWait(self.driver, self.timeout).until(lambda driver: _is_stale(old_page))
        except TimeoutException:
            raise TimeoutException(f"clicking {what} did not leave {self.url}") from None
        WebDriverWait(self.driver, self.timeout).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete"
        )

    def wait_for_url(self, prefix: str, timeout: float | None = None) -> str:
        """Waits until the browser's address starts with prefix, or until it was sent to an address that does (a
        redirect to a private-use scheme such as cursor://, which Chromium does not follow: click it with
        navigates=False), and returns that whole address. A redirect to a loopback callback need not be listening:
        a refused connection still shows its address."""

        def match(driver):
            if driver.current_url.startswith(prefix):
                return driver.current_url
            return next((url for url in reversed(self._requested_urls()) if url.startswith(prefix)), None)

        try:
            return WebDriverWait(self.driver, timeout or self.timeout).until(match)
        except TimeoutException:
            raise TimeoutException(f"the browser was not sent to {prefix}... (it is at {self.url})") from None

    def _requested_urls(self) -> list[str]:
        for entry in self.driver.get_log("performance"):  # the entries since the last call
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
        return self.requested

    def screenshot(self, path: str | os.PathLike, *, full_page: bool = True) -> Path:
        """Saves a PNG of the page (the whole page, beyond the viewport, unless full_page is False)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if full_page:
            data = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
            )["data"]
            path.write_bytes(base64.b64decode(data))
        else:
            self.driver.save_screenshot(str(path))
        return path

    def _wait(self, find, what: str):
        try:
            return WebDriverWait(self.driver, self.timeout).until(lambda driver: find(driver) or None)
        except TimeoutException:
            raise TimeoutException(f"no {what} on {self.url}") from None


def _label(element) -> str:
    return (element.text or element.get_attribute("value") or "").strip()


def _is_stale(element) -> bool:
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


# The command line.


def run(steps: list, out=sys.stdout) -> int:
    with Browser() as browser:
        for step in steps:
            ((action, argument),) = step.items()
            line = {"step": action}
            try:
                if action == "open":
                    browser.open(argument)
                elif action == "fill":
                    browser.fill(*argument)
                elif action == "click":
                    browser.click(**argument) if isinstance(argument, dict) else browser.click(argument)
                elif action == "wait_for_url":
                    line["matched"] = browser.wait_for_url(argument)
                elif action == "text":
                    line["text"] = browser.text()
                elif action == "expect_text":
                    if argument not in browser.text():
                        raise AssertionError(f"{argument!r} is not on the page: {browser.text()!r}")
                elif action == "screenshot":
                    browser.screenshot(argument)
                else:
                    raise ValueError(f"unknown step {action}")
            except Exception as error:
                failure = os.environ.get("BROWSER_FAILURE_SCREENSHOT")
                if failure:
                    browser.screenshot(failure)
                print(json.dumps({"error": f"{action}: {error}", "url": browser.url}), file=out, flush=True)
                return 1
            line["url"] = browser.url
            print(json.dumps(line), file=out, flush=True)
    return 0


SELFCHECK_PAGES = {
    "/": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in</title>
<link rel="stylesheet" href="https://cdn.example.com/style.css"></head>
<body><h1>Sign in</h1><form method="post" action="/login">
<label>User <input name="username"></label> <label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form></body></html>""",
    "/consent": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Allow?</title></head>
<body><h1>Allow Example Client?</h1><p>Signed in as {user}.</p><form method="post" action="/consent">
<button name="action" value="allow">Allow</button> <button name="action" value="deny">Deny</button>
<button name="action" value="app">Open the app</button>
</form></body></html>""",
}


def selfcheck() -> None:
    """Serves a sign-in form (slow to answer) and a consent page on 127.0.0.1 and drives them: allow redirects to a
    callback on the same server, deny to a loopback port that nothing listens on, "Open the app" to cursor://."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    closed_port = closed.server_address[1]
    closed.server_close()  # a loopback port that was free a moment ago and is not listening now
    seen = []

    class Pages(BaseHTTPRequestHandler):
        def log_message(self, *arguments):
            pass

        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = urlsplit(self.path)
            seen.append(("GET", path.path))
            if path.path == "/":
                self.reply(200, SELFCHECK_PAGES["/"].encode(), [("Content-Type", "text/html; charset=utf-8")])
            elif path.path == "/consent":
                user = self.headers.get("Cookie", "").removeprefix("user=")
                page = SELFCHECK_PAGES["/consent"].replace("{user}", user)
                self.reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")])
            elif path.path == "/callback":
                self.reply(200, b"<p>Signed in. You can close this window.</p>", [("Content-Type", "text/html")])
            else:
                self.reply(404)

        def do_POST(self):
            form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode())
            seen.append(("POST", self.path, {key: values[0] for key, values in form.items()}))
            if self.path == "/login":
                time.sleep(2.5)  # a slow sign-in: click() must wait for the response, not only for the click
                cookie = f"user={form['username'][0]}; HttpOnly; SameSite=Lax; Path=/"
                self.reply(303, headers=[("Location", "/consent"), ("Set-Cookie", cookie)])
            elif form.get("action") == ["allow"]:
                self.reply(302, headers=[("Location", f"{base}/callback?code=abc&state=s1")])
            elif form.get("action") == ["app"]:
                self.reply(302, headers=[("Location", "cursor://example.app/callback?code=app&state=s3")])
            else:
                location = f"http://127.0.0.1:{closed_port}/callback?error=access_denied&state=s2"
                self.reply(302, headers=[("Location", location)])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as directory, Browser() as browser:
            launched = time.monotonic()
            browser.open(base + "/")
            assert browser.driver.execute_script("return [innerWidth, devicePixelRatio]") == [390, 2]
            browser.fill("username", "alice")
            browser.fill("password", "secret")
            shot = browser.screenshot(Path(directory) / "sign-in.png")
            header = shot.read_bytes()[:24]
            assert header[:8] == b"\x89PNG\r\n\x1a\n", header
            assert int.from_bytes(header[16:20], "big") == 780, "a 390 px page at scale 2 is 780 px wide"
            browser.click("Sign in")
            assert browser.url == base + "/consent", browser.url
            assert "Signed in as alice." in browser.text(), browser.text()
            cookie = {c["name"]: c for c in browser.cookies()}["user"]
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie
            browser.click(name="action", value="allow")
            assert browser.wait_for_url(base + "/callback") == base + "/callback?code=abc&state=s1"
            assert "You can close this window" in browser.text()
            browser.open(base + "/consent")
            browser.click("Deny")
            denied = browser.wait_for_url(f"http://127.0.0.1:{closed_port}/callback")
            assert denied.endswith("?error=access_denied&state=s2"), denied
            browser.open(base + "/consent")
            browser.click("Open the app", navigates=False)
            app = browser.wait_for_url("cursor://example.app/callback")
            assert app == "cursor://example.app/callback?code=app&state=s3", app
            assert ("POST", "/login", {"username": "alice", "password": "secret"}) in seen, seen
        print(f"browser started in {launched - started:.1f} s, the whole check took {time.monotonic() - started:.1f} s",
              file=sys.stderr)
    finally:
        server.shutdown()
        server.server_close()
    print("ok")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "selfcheck" and len(sys.argv) == 2:
        selfcheck()
    elif command == "run" and len(sys.argv) == 3:
        source = sys.stdin.read() if sys.argv[2] == "-" else sys.argv[2]
        sys.exit(run(json.loads(source)))
    else:
        sys.exit(__doc__.split("How the browser")[0].rstrip())
