#!/usr/bin/env bash
# Start-up time: from exec to the first 200 from /readyz, on an existing
# (migrated, seeded) SQLite database, release build. Also the binary's size.
#
#   bench/startup.sh            # 10 starts
#   RUNS=20 bench/startup.sh
#
# No limit is involved; logs are set to warn.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-10}"
PORT="${PORT:-18182}"
cargo build --release --quiet
BIN=target/release/pressdir
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/pressdir.db"
"$BIN" --database-url "$db" --log warn migrate
"$BIN" --database-url "$db" --log warn keys list >/dev/null

python3 - "$BIN" "$db" "$PORT" "$RUNS" <<'PY'
import subprocess, sys, time, urllib.request, statistics
binary, db, port, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
times = []
for _ in range(runs):
    started = time.perf_counter()
    server = subprocess.Popen([binary, "--database-url", db, "--log", "warn", "serve",
                               "--bind", f"127.0.0.1:{port}", "--workers", "2"])
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).status == 200:
                break
        except Exception:
            time.sleep(0.002)
    times.append((time.perf_counter() - started) * 1000)
    server.terminate()
    server.wait()
times.sort()
print(f"start to ready over {runs} runs: median {statistics.median(times):.0f} ms, "
      f"min {times[0]:.0f} ms, max {times[-1]:.0f} ms")
PY
ls -l "$BIN" | awk '{printf "release binary: %.1f MiB\n", $5 / 1048576}'
