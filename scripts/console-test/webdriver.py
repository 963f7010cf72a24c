"""A small W3C WebDriver client over HTTP (standard library only) for Debian's chromium-driver."""
import base64
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class WebDriverError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Headless Chromium driven by chromedriver: start() … quit()."""

    def __init__(self, width=1440, height=900):
        self.width, self.height = width, height
        self.port = free_port()
        self.proc = None
        self.session = None

    def start(self):
        driver = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
        self.proc = subprocess.Popen([driver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self._http("GET", "/status")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        binary = shutil.which("chromium") or "/usr/bin/chromium"
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": binary,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={self.width},{self.height}", "--force-device-scale-factor=1"]}}}}
        self.session = self._http("POST", "/session", caps)["sessionId"]
        return self

    def quit(self):
        try:
            if self.session:
                self._http("DELETE", f"/session/{self.session}")
        finally:
            if self.proc:
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()

    def _http(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            detail = json.loads(e.read() or b"{}").get("value", {})
            raise WebDriverError(f"{method} {path}: {detail.get('error')}: {detail.get('message', '')[:300]}") from None

    def cmd(self, method, path, body=None):
        return self._http(method, f"/session/{self.session}{path}", body)

    # navigation and scripts
    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)})

    def wait(self, condition_js, timeout=20, what=None, *args):
        """Polls a JavaScript expression (its value returned) until truthy."""
        end = time.time() + timeout
        last = None
        while time.time() < end:
            try:
                last = self.js(f"return ({condition_js});", *args)
            except WebDriverError as e:
                last = str(e)
            if last:
                return last
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what or condition_js} (last: {last!r})")

    # elements
    def find(self, css):
        return self.cmd("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def click(self, css):
        self.cmd("POST", f"/element/{self.find(css)}/click", {})

    def type(self, css, text, clear=True):
        el = self.find(css)
        if clear:
            self.cmd("POST", f"/element/{el}/clear", {})
        self.cmd("POST", f"/element/{el}/value", {"text": text})

    def keys(self, text):
        """Key presses to the focused element (\ue004 Tab, \ue007 Enter, \ue017 Delete)."""
        self.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "kb", "actions":
            [a for ch in text for a in ({"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch})]}]})

    def drag_pointer(self, from_css, to_css, alt=False):
        """A real pointer drag (pointerdown, moves, pointerup) from one element's centre to another's."""
        a, b = self.find(from_css), self.find(to_css)
        pointer = [{"type": "pointerMove", "origin": {ELEMENT: a}, "x": 0, "y": 0, "duration": 0},
                   {"type": "pointerDown", "button": 0},
                   {"type": "pointerMove", "origin": "pointer", "x": 8, "y": 8, "duration": 50},
                   {"type": "pointerMove", "origin": {ELEMENT: b}, "x": 0, "y": 0, "duration": 200},
                   {"type": "pointerUp", "button": 0}]
        actions = [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": pointer}]
        if alt:
            actions.append({"type": "key", "id": "kb", "actions": [{"type": "keyDown", "value": "\ue00a"}] +
                            [{"type": "pause", "duration": 0}] * 3 + [{"type": "keyUp", "value": "\ue00a"}]})
        self.cmd("POST", "/actions", {"actions": actions})
        self.cmd("DELETE", "/actions")

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
