#!/usr/bin/env python3
"""Events per second through the webhook outbox, on SQLite and PostgreSQL.

    bench/outbox.py [PEOPLE] [POSTGRES_SERVER_URL]

For each backend: a directory of PEOPLE demo people; an import that changes
every one of them (PEOPLE `person.updated` events, committed in one
transaction); one endpoint, a local receiver that answers 204 at once; and
the time from the import's commit to the last delivery. The receiver is on
loopback, so `--webhook-allow-private` is on; the rate limit is off (the
import does not go through HTTP anyway); the attempt timeout (10 s) and the
retry window stay as configured by default and are never reached. Logs at
warn. Release build.
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PEOPLE = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
PG = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("PRESSDIR_CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
BIN = os.path.join(ROOT, "target", "release", "pressdir")
ENV = dict(os.environ, PRESSDIR_LOG="warn")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pressdir(db, *args, **kw):
    return subprocess.run([BIN, "--database-url", db, *args], env=ENV, check=True, capture_output=True, text=True, **kw)


received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        received.append(time.monotonic())
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def run(name, db, work):
    received.clear()
    pressdir(db, "demo-data", "--people", str(PEOPLE))
    document = json.loads(pressdir(db, "export").stdout)
    for person in document["people"]:
        person["job_title"] = (person.get("job_title") or "") + " (changed)"
    changed = os.path.join(work, f"{name}-changed.json")
    with open(changed, "w") as f:
        json.dump(document, f)
    key = pressdir(db, "keys", "create", "--name", "bench", "--scope", "admin").stdout.strip().splitlines()[-1]
    port, receiver_port = free_port(), free_port()
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    server = subprocess.Popen([BIN, "--database-url", db, "serve", "--bind", f"127.0.0.1:{port}", "--no-seed",
                               "--rate-limit-per-minute", "0", "--webhook-allow-private"], env=ENV)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/webhooks", method="POST",
            data=json.dumps({"url": f"http://127.0.0.1:{receiver_port}/", "event_types": ["person.updated"]}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10)
        started = time.monotonic()
        pressdir(db, "import", changed)
        committed = time.monotonic()
        deadline = committed + 600
        while len(received) < PEOPLE and time.monotonic() < deadline:
            time.sleep(0.05)
        done = received[-1] if received else time.monotonic()
        print(f"{name}: {PEOPLE} events; import with their events {committed - started:.1f} s; "
              f"commit to last delivery {done - committed:.1f} s: "
              f"{len(received) / max(done - committed, 1e-9):.0f} events/s delivered ({len(received)} received)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        receiver.shutdown()


with tempfile.TemporaryDirectory() as work:
    run("SQLite", os.path.join(work, "bench.db"), work)
    name = f"pressdir_outbox_bench_{os.getpid()}"
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    try:
        run("PostgreSQL", f"{PG}/{name}", work)
    finally:
        subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE {name} WITH (FORCE)"], check=True)
