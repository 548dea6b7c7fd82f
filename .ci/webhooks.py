#!/usr/bin/env python3
"""Webhook deliveries checked by an independent implementation: the
`standardwebhooks` package verifies every signature pressdir sends.

    .ci/webhooks.py BINARY DATABASE_URL

Starts pressdir (private addresses allowed: the receiver is on loopback),
registers an endpoint, makes changes through the API, and waits until the
receiver has verified one delivery of each; a bad signature, a missing
event or a duplicate fails the run.
"""
import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from standardwebhooks.webhooks import Webhook


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


binary, database_url = sys.argv[1], sys.argv[2]
port, receiver_port = free_port(), free_port()
base = f"http://127.0.0.1:{port}"
admin = subprocess.run(
    [binary, "--database-url", database_url, "keys", "create", "--name", "webhooks-ci", "--scope", "admin"],
    check=True, capture_output=True, text=True,
).stdout.strip().splitlines()[-1]
server = subprocess.Popen(
    [binary, "--database-url", database_url, "--log", "warn", "serve", "--bind", f"127.0.0.1:{port}",
     "--webhook-allow-private", "--webhook-backoff-secs", "0.1"],
)


def api(method, path, body=None):
    request = urllib.request.Request(
        base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


verified, problems = [], []
secret = None


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        try:
            event = Webhook(secret).verify(body, dict(self.headers))
            verified.append((self.headers["webhook-id"], event))
            self.send_response(204)
        except Exception as error:  # noqa: BLE001 - any failure is a finding
            problems.append(f"{self.headers.get('webhook-id')}: {error!r}")
            self.send_response(400)
        self.end_headers()

    def log_message(self, *args):
        pass


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    endpoint = api("POST", "/api/v1/webhooks", {
        "url": f"http://127.0.0.1:{receiver_port}/events", "event_types": ["*"],
    })
    secret = endpoint["secret"]
    created = api("POST", "/api/v1/people", {"full_name": "Ana Pérez", "office_id": "iom-washington"})
    api("PATCH", f"/api/v1/people/{created['id']}", {"job_title": "Porta-voz — “entre aspas”"})
    api("POST", "/api/v1/offices/iom-washington/contact-points", {"kind": "phone", "value": "+1 202 862 1826"})
    expected = {"person.created", "person.updated", "contact_point.created"}
    deadline = time.time() + 30
    while time.time() < deadline and not problems:
        if {event["type"] for _, event in verified} >= expected:
            break
        time.sleep(0.1)
    time.sleep(0.5)
    ids = [webhook_id for webhook_id, _ in verified]
    print(f"verified {len(verified)} deliveries with standardwebhooks: "
          + ", ".join(sorted(event["type"] for _, event in verified)))
    missing = expected - {event["type"] for _, event in verified}
    if problems or missing or len(ids) != len(set(ids)):
        print("problems:", problems, "missing:", sorted(missing), "ids:", ids)
        sys.exit(1)
finally:
    server.terminate()
    server.wait(timeout=30)
