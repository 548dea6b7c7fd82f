#!/usr/bin/env bash
# The journalists' page on a big directory: time from the last key typed to
# results shown, in headless Chromium, release build, SQLite.
#
#   bench/page.sh                  # 100,000 demo people
#   PEOPLE=10000 bench/page.sh
#
# The rate limit is turned off (the page's searches are public API calls,
# one per pause in typing); logs are set to warn.
set -euo pipefail
cd "$(dirname "$0")/.."

PEOPLE="${PEOPLE:-100000}"
PORT="${PORT:-18185}"
cargo build --release --quiet
BIN=target/release/pressdir
[ -x /usr/bin/chromium ] || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
(cd .ci/browser && npm ci --no-audit --no-fund --silent)

work=$(mktemp -d)
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
db="${BENCH_DB:-$work/page.db}"
if [ ! -e "$db" ]; then
    "$BIN" --database-url "$db" --log warn migrate
    "$BIN" --database-url "$db" --log warn demo-data --people "$PEOPLE"
fi
"$BIN" --database-url "$db" --log warn serve --bind "127.0.0.1:$PORT" --rate-limit-per-minute 0 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
for path in / /assets/app.js /assets/style.css "/?q=jose"; do
    curl -s -o /dev/null -w "$path: %{size_download} B, %{time_total} s\n" "http://127.0.0.1:$PORT$path"
done
(cd .ci/browser && BASE_URL="http://127.0.0.1:$PORT" node bench.mjs)
