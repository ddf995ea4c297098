"""A small HTTP SMS gateway on 127.0.0.1 for tests: it records what it receives and answers
``Gateway.answer``, after ``Gateway.delay`` seconds (a slow gateway)."""
import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    answer = (200, {"code": 0, "message": "ok"})
    delay = 0.0

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Gateway.received.append({"auth": self.headers.get("Authorization"), "body": json.loads(self.rfile.read(n)),
                                 "at": time.monotonic()})
        if Gateway.delay:
            time.sleep(Gateway.delay)
        status, body = Gateway.answer
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def running_gateway(settings, *, delay: float = 0.0):
    """Start the gateway and point the SMS backend at it (``settings``: pytest-django's fixture)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received = []
    Gateway.answer = (200, {"code": 0})
    Gateway.delay = delay
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": "tiaojie.notify.backends.HttpSmsBackend"}
    settings.TIAOJIE_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.TIAOJIE_SMS_USER, settings.TIAOJIE_SMS_PASSWORD, settings.TIAOJIE_SMS_TOKEN = "acct", "secret", ""
    settings.TIAOJIE_SMS_SIGN = "【调解】"
    try:
        yield Gateway
    finally:
        Gateway.delay = 0.0
        server.shutdown()
        server.server_close()
