"""A real browser as mcp-bridge's $BROWSER: headless Chromium (browser.py) signs a person in to mcp-server, for the
one sign-in test that uses the real thing.

Usage: signin_chromium.py URL     (the bridge runs "$BROWSER URL" with its sign-in link, which redirects to the
                                   authorization URL; give it through a wrapper script when the interpreter's path and
                                   this file's are two words)

It behaves as signin_browser.py does, and takes the same environment (SIGNIN_BROWSER_LOG, SIGNIN_BROWSER_HOLD,
SIGNIN_USERNAME, SIGNIN_PASSWORD, SIGNIN_CONSENT, SIGNIN_BROWSER_TIMEOUT) and logs the same events: it logs the
opening and returns at once, and a detached copy drives Chromium: open the URL; on a sign-in form fill username and
password and click "Sign in"; on the consent page click Allow (or Deny); wait until the browser is at the
callback on the link's listener (the authorization request's redirect URI) and has loaded the page the bridge answers
there, and log that page's text as the "callback" event. Two more variables:
  SIGNIN_SCREENSHOT           a PNG path: the callback page, photographed (desktop-sized)
  BROWSER_FAILURE_SCREENSHOT  a PNG path: the page a step failed on
"""

from __future__ import annotations

import os
import sys
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from signin_browser import DEFAULT_TIMEOUT_SECONDS, detach, give_up_after, log, wait_for_release  # noqa: E402


def sign_in(url: str) -> int:
    # Imported here: Selenium is slow to import, and the opening is logged before it.
    from browser import Browser
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    username = os.environ.get("SIGNIN_USERNAME", "alice")
    password = os.environ.get("SIGNIN_PASSWORD", "correct horse battery staple")
    consent = os.environ.get("SIGNIN_CONSENT", "allow")
    # The bridge's sign-in link is served by the listener the callback reaches; an authorization URL names it.
    parts = urlsplit(url)
    if parts.path.startswith("/sign-in/"):
        redirect_uri = f"{parts.scheme}://{parts.netloc}/callback"
    else:
        redirect_uri = (parse_qs(parts.query).get("redirect_uri") or [""])[0]
    if not redirect_uri:
        log("error", error="the URL is neither a sign-in link nor an authorization URL with a redirect_uri", url=url)
        return 1
    pages: list[str] = []
    with Browser(width=1280, height=800, scale=1, mobile=False, timeout=30) as browser:
        try:
            browser.open(url)
            if not browser.url.startswith(redirect_uri) and browser.driver.find_elements(By.NAME, "password"):
                pages.append("sign-in")
                log("page", page="sign-in", url=browser.url)
                browser.fill("username", username)
                browser.fill("password", password)
                browser.click("Sign in")
            if not browser.url.startswith(redirect_uri) and browser.driver.find_elements(By.NAME, "action"):
                pages.append("consent")
                log("page", page="consent", url=browser.url)
                browser.click(name="action", value=consent)
            callback = browser.wait_for_url(redirect_uri)
            # The bridge's page, loaded: wait_for_url may match the request before its answer is shown.
            WebDriverWait(browser.driver, browser.timeout).until(
                lambda driver: driver.current_url.startswith(redirect_uri)
                and driver.execute_script("return document.readyState") == "complete"
                and driver.find_element(By.TAG_NAME, "body").text.strip() != ""
            )
            text = browser.text()
            if shot := os.environ.get("SIGNIN_SCREENSHOT"):
                browser.screenshot(shot)
        except Exception as error:
            if failure := os.environ.get("BROWSER_FAILURE_SCREENSHOT"):
                try:
                    browser.screenshot(failure)
                except Exception:
                    pass
            log("error", error=f"{type(error).__name__}: {error}", url=browser.url, pages=pages)
            return 1
    log("callback", url=callback, status=200, text=text, pages=pages)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2 or "SIGNIN_BROWSER_LOG" not in os.environ:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    url = argv[1]
    log("opened", url=url)
    if not detach():
        return 0
    # Chromium starts in seconds; the whole sign-in gets the same bound as the plain one, plus a minute.
    give_up_after(int(os.environ.get("SIGNIN_BROWSER_TIMEOUT", DEFAULT_TIMEOUT_SECONDS + 60)))
    try:
        if (hold := os.environ.get("SIGNIN_BROWSER_HOLD")) and not wait_for_release(hold):
            return 1
        return sign_in(url)
    except Exception as error:
        log("error", error=f"{type(error).__name__}: {error}", url=url)
        return 1


if __name__ == "__main__":
    status = main(sys.argv)
    sys.stdout.flush()
    os._exit(status)
