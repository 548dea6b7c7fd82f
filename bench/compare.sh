#!/usr/bin/env bash
# Two builds side by side on the same machine, the same data, in one run:
# the HTTP hot paths (alternating servers, ROUNDS times) and the bulk paths
# (demo-data, export, import) of each.
#
#   OLD_BIN=/path/to/old/pressdir NEW_BIN=target/release/pressdir bench/compare.sh
#   PEOPLE=20000 DURATION=5 ROUNDS=2 bench/compare.sh
#
# SQLite. The rate limit is turned off (it would measure 429s); the request
# timeout (30 s) and body size limit stay: no request here reaches them.
# Logs at warn.
set -euo pipefail
cd "$(dirname "$0")/.."

PEOPLE="${PEOPLE:-100000}"
DURATION="${DURATION:-5}"
ROUNDS="${ROUNDS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18191}"
OLD_BIN="${OLD_BIN:?the build to compare against}"
NEW_BIN="${NEW_BIN:-target/release/pressdir}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
timed() { /usr/bin/time -f "%e s, peak RSS %M KB" "$@" 2>&1 >/dev/null | tail -1; }

echo "== bulk paths, $PEOPLE people"
for which in old new; do
    bin=$([ $which = old ] && echo "$OLD_BIN" || echo "$NEW_BIN")
    export PRESSDIR_LOG=warn
    echo "$which demo-data: $(timed "$bin" --database-url "$work/$which.db" demo-data --people "$PEOPLE")"
    echo "$which export:    $(timed sh -c "\"$bin\" --database-url \"$work/$which.db\" export > \"$work/$which.json\"")"
    "$bin" --database-url "$work/$which-import.db" migrate >/dev/null
    echo "$which import:    $(timed "$bin" --database-url "$work/$which-import.db" import "$work/$which.json")"
done

# The HTTP hot paths: one database (the new build's demo data), each
# build's server in turn on it.
db="$work/new.db"
person_id=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM people ORDER BY id LIMIT 1 OFFSET ?", (int(sys.argv[2]) // 2,)).fetchone()[0])' "$db" "$PEOPLE")
workloads=(
    "healthz|/healthz"
    "GET person by id|/api/v1/people/$person_id"
    "search: name prefix (lefe)|/api/v1/people?q=lefe"
    "one-box search (maria)|/api/v1/search?q=maria"
)
echo
echo "== HTTP, wrk -t2 -c$CONNECTIONS -d${DURATION}s, requests/s, $ROUNDS rounds alternating"
declare -A results
for round in $(seq 1 "$ROUNDS"); do
    for which in old new; do
        bin=$([ $which = old ] && echo "$OLD_BIN" || echo "$NEW_BIN")
        PRESSDIR_LOG=warn "$bin" --database-url "$db" serve --bind "127.0.0.1:$PORT" --no-seed --rate-limit-per-minute 0 &
        server_pid=$!
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
        for entry in "${workloads[@]}"; do
            path="${entry#*|}"
            curl -s -o /dev/null "http://127.0.0.1:$PORT$path"
            rps=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT$path" | awk '/Requests\/sec/ {printf "%d", $2}')
            results["${entry%%|*}|$which"]+="$rps "
        done
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
    done
done
echo "| workload | old | new |"
echo "|---|---:|---:|"
for entry in "${workloads[@]}"; do
    name="${entry%%|*}"
    echo "| $name | ${results["$name|old"]} | ${results["$name|new"]} |"
done
