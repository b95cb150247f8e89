"""The dashboard of a real `hookwise serve`, in headless Chromium (Selenium).

The server runs with two API keys, a short retry schedule and `--disable-after 1`; two loopback
receivers stand in for the endpoints: one always answers 500, the other answers 200 and records
every request whose Standard Webhooks signature verifies. The set-up goes through the API over
plain HTTP; everything after it is done in the browser as a person would: log in, read the failed
attempts, resend, enable, rotate a secret, log out, and log in with the other key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY_A = "hw_browser_key_alice_0123456789"
KEY_B = "hw_browser_key_bob_9876543210"
SECRET = "whsec_" + base64.b64encode(b"browser-test-secret-32-bytes-long").decode()
TIMEOUT = 15.0


def eventually(what: str, check: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """`check()`'s first truthy value, polled until `timeout` seconds have passed. A page that is
    being replaced meanwhile counts as not yet: the driver then answers with a stale element, a
    missing one, or (Chromium) an inspector error about a node of the old document; the last such
    error is kept for the timeout's message."""
    deadline = time.monotonic() + timeout
    last: WebDriverException | None = None
    while True:
        try:
            value = check()
        except WebDriverException as error:
            value, last = None, error
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}") from last
        time.sleep(0.1)


def press(browser: WebDriver, element: WebElement) -> None:
    """Clicks a link or a form's button and waits until the page it was on has been replaced, so
    that what is read next is read from the page the click led to. The old page's root counts as
    replaced once the driver refuses it: stale (Selenium's `staleness_of`), or Chromium's
    inspector error that the node "does not belong to the document"."""
    old = browser.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_: WebDriver) -> bool:
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(browser, TIMEOUT).until(replaced)


def signed_by(secret: str, headers: Any, body: bytes) -> bool:
    """Whether the Standard Webhooks headers sign `body` with `secret`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    given = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, s) for s in given)


class Receiver:
    """A loopback receiver answering `status`; it keeps the bodies of the requests signed with
    [`SECRET`] and counts the others."""

    def __init__(self, status: int) -> None:
        self.received: list[dict[str, Any]] = []
        self.unsigned = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if signed_by(SECRET, self.headers, body):
                    receiver.received.append(json.loads(body))
                else:
                    receiver.unsigned += 1
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, event_id: str) -> list[dict[str, Any]]:
        return [e for e in self.received if e.get("id") == event_id]


class Api:
    """The server's API over plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, key: str, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("authorization", f"Bearer {key}")
        if data is not None:
            request.add_header("content-type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)


@pytest.fixture
def server() -> Iterator[str]:
    binary = os.environ.get("HOOKWISE_BIN", str(ROOT / "target/release/hookwise"))
    data = tempfile.mkdtemp(prefix="hookwise-browser-")
    # Each delivery is tried 3 times, 0.1 s apart; the first failed delivery disables its endpoint.
    flags = ["--port", "0", "--allow-private-targets", "--retry-schedule", "0.1,0.1", "--disable-after", "1"]
    args = [binary, "serve", "--data-dir", data, "--api-key", KEY_A, "--api-key", KEY_B, *flags]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "listening on " in line, line
        yield line.split("listening on ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "chromedriver"))
    # A page of 1280×900: the window is that plus what the browser's frame takes.
    driver.set_window_size(1280, 900)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(1280 + 1280 - inner[0], 900 + 900 - inner[1])
    try:
        yield driver
    finally:
        driver.quit()


def log_in(browser: WebDriver, base: str, key: str) -> None:
    browser.get(base + "/dashboard")
    assert browser.current_url.endswith("/dashboard/login"), "no session: the log-in form"
    browser.find_element(By.ID, "api_key").send_keys(key)
    press(browser, browser.find_element(By.ID, "login"))
    eventually("the index", lambda: browser.current_url.endswith("/dashboard") and "Endpoints" in text(browser))


def text(browser: WebDriver) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Answers a redirect as it is (an HTTPError with its status), without following it."""

    def redirect_request(self, *args: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def status_of(base: str, path: str, cookie: str, form: dict[str, str] | None = None) -> int:
    """The status of `GET path`, or of `POST path` with `form`, sent with the session `cookie`
    from outside the browser (redirects not followed)."""
    data = None if form is None else urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(base + path, data=data)
    request.add_header("cookie", f"hookwise_session={cookie}")
    if data is not None:
        request.add_header("content-type", "application/x-www-form-urlencoded")
    try:
        with OPENER.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


def test_the_dashboard_in_a_browser(server: str, browser: WebDriver) -> None:
    api = Api(server)
    failing, good = Receiver(500), Receiver(200)
    bad_hook = api.call(KEY_A, "POST", "/v1/webhooks", {"url": failing.url, "name": "always 500", "secret": SECRET})
    good_hook = api.call(KEY_A, "POST", "/v1/webhooks", {"url": good.url, "name": "good", "secret": SECRET})
    job = api.call(KEY_A, "POST", "/v1/jobs", {"kind": "browser-test", "payload": {"duration_ms": 0}})
    event = eventually("the job's event", lambda: good.received and good.received[0])
    assert event["type"] == "job.succeeded" and event["data"]["job"]["id"] == job["id"], event
    eventually(
        "the failing endpoint disabled",
        lambda: api.call(KEY_A, "GET", f"/v1/webhooks/{bad_hook['id']}")["status"] == "disabled",
    )

    # Key A: the endpoints and the event, the failed attempts (500) on the event's page.
    log_in(browser, server, KEY_A)
    page = text(browser)
    for shown in (bad_hook["id"], good_hook["id"], failing.url, good.url, event["id"], "job.succeeded"):
        assert shown in page, shown
    assert SECRET not in browser.page_source
    row = browser.find_element(By.ID, f"endpoint-{bad_hook['id']}")
    assert "disabled" in row.text and row.find_element(By.CLASS_NAME, "reason").text, "why it was disabled"
    if os.environ.get("HOOKWISE_SCREENSHOT") == "1":
        browser.save_screenshot(str(ROOT / "docs/dashboard.png"))

    press(browser, browser.find_element(By.LINK_TEXT, event["id"]))
    eventually("the event page", lambda: event["id"] in browser.current_url)
    failed = browser.find_element(By.ID, f"deliveries-{bad_hook['id']}")
    rows = failed.find_elements(By.CSS_SELECTOR, "tr.attempt")
    codes = [row.find_element(By.CSS_SELECTOR, "td.code").text for row in rows]
    assert codes == ["500", "500", "500"], codes
    for row in rows:  # each failed attempt's latency and error
        assert " ms" in row.text and "HTTP 500" in row.text, row.text
    assert job["id"] in browser.find_element(By.ID, "body").text, "the event's body, as JSON"

    # Resend to the good endpoint: the receiver gets the event a second time, signed.
    press(browser, browser.find_element(By.ID, f"deliveries-{good_hook['id']}").find_element(By.CLASS_NAME, "resend"))
    eventually("the resent notice", lambda: "queued for delivery again" in text(browser))
    eventually("the resent event at the receiver", lambda: len(good.events(event["id"])) == 2)

    # Enable the disabled endpoint.
    browser.get(server + "/dashboard")
    press(browser, browser.find_element(By.ID, f"endpoint-{bad_hook['id']}").find_element(By.CLASS_NAME, "enable"))
    eventually("the enabled notice", lambda: "enabled again" in text(browser))
    row = browser.find_element(By.ID, f"endpoint-{bad_hook['id']}")
    assert "active" in row.text and not row.find_elements(By.CLASS_NAME, "enable"), row.text
    assert api.call(KEY_A, "GET", f"/v1/webhooks/{bad_hook['id']}")["status"] == "active"

    # Rotate the good endpoint's secret: shown once, on the answer only.
    press(browser, browser.find_element(By.ID, f"endpoint-{good_hook['id']}").find_element(By.CLASS_NAME, "rotate"))
    rotated = eventually("the new secret", lambda: browser.find_elements(By.ID, "secret"))[0].text.strip()
    assert rotated.startswith("whsec_") and rotated != SECRET, rotated
    browser.get(server + "/dashboard")
    assert rotated not in browser.page_source and "whsec_" not in browser.page_source
    browser.back()  # no-store: the browser keeps no copy of the answer to show again
    assert rotated not in browser.page_source

    # A form with a wrong CSRF token is refused, even with the session's cookie.
    browser.get(server + "/dashboard")
    cookie = browser.get_cookie("hookwise_session")
    assert cookie is not None and cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookie
    for token in ("", "0" * 64):
        rotate = f"/dashboard/webhooks/{good_hook['id']}/rotate-secret"
        assert status_of(server, rotate, cookie["value"], {"csrf": token}) == 403
    browser.execute_script("document.querySelector('input[name=csrf]').value = 'forged'")
    press(browser, browser.find_element(By.ID, "logout"))
    eventually("the CSRF refusal", lambda: "CSRF token" in text(browser))
    assert "Error 403" in text(browser)

    # Log out; key B sees none of A's endpoints or events, and A's event is a 404 to it.
    browser.get(server + "/dashboard")
    press(browser, browser.find_element(By.ID, "logout"))
    eventually("the log-in form", lambda: browser.current_url.endswith("/dashboard/login"))
    assert status_of(server, "/dashboard", cookie["value"]) == 303, "the old session is gone"
    log_in(browser, server, KEY_B)
    page = browser.page_source
    for hidden in (bad_hook["id"], good_hook["id"], failing.url, good.url, event["id"], rotated):
        assert hidden not in page, hidden
    browser.get(f"{server}/dashboard/events/{event['id']}")
    assert "Error 404" in text(browser)
    b_cookie = browser.get_cookie("hookwise_session")
    assert b_cookie is not None
    assert status_of(server, f"/dashboard/events/{event['id']}", b_cookie["value"]) == 404
    assert failing.unsigned == 0 and good.unsigned == 0, "every delivery verified"
