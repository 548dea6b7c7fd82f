#!/usr/bin/env bash
# Benchmark pressdir on one warm server with a synthetic directory.
#
#   bench/run.sh                      # SQLite, 100,000 people
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 bench/run.sh
#   PEOPLE=10000 DURATION=5 bench/run.sh
#
# Every workload runs against the same server in the same run, with
# /healthz as the ceiling of the HTTP layer, and each figure is also given
# as a share of it. The server runs three times on the same data: with
# the defaults, without the read cache (--read-cache-ttl-ms 0), and also
# searching in SQL only (--no-search-in-memory). "GET person, 2,000 ids"
# spreads reads over 2,000 people so that the cache is not measured on one
# hot key only, and "500 name fragments" does the same for search (which
# the read cache never answers). Searches ask for 20 results. Peak RSS is
# read after each run. The rate limit is turned off; the
# request timeout (30 s) and body size limit stay, as no GET reaches them;
# logs are set to warn.
set -euo pipefail
cd "$(dirname "$0")/.."

PEOPLE="${PEOPLE:-100000}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18181}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet
BIN=target/release/pressdir

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    if [ -n "${pg_db:-}" ]; then psql "$BENCH_POSTGRES_URL/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
    backend=postgres
    pg_db="pressdir_bench_$$"
    psql "$BENCH_POSTGRES_URL/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
    db_url="$BENCH_POSTGRES_URL/$pg_db"
    sql() { psql "$db_url" -Atc "$1"; }
else
    backend=sqlite
    db_url="$work/bench.db"
    sql() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$db_url" "$1"; }
fi

echo "== demo data: $PEOPLE people on $backend"
PRESSDIR_LOG=warn "$BIN" --database-url "$db_url" demo-data --people "$PEOPLE"

base="http://127.0.0.1:$PORT"
person_id=$(sql "SELECT id FROM people ORDER BY id LIMIT 1 OFFSET $((PEOPLE / 2))")
deep_id=$(sql "SELECT id FROM people ORDER BY id LIMIT 1 OFFSET $((PEOPLE * 9 / 10))")
deep_cursor=$(printf 'k1:%s' "$deep_id" | base64 -w0 | tr '+/' '-_' | tr -d '=')

# wrk walks 2,000 people's addresses, one after the other per connection.
ids=$(sql "SELECT group_concat(id, ' ') FROM (SELECT id FROM people ORDER BY id LIMIT 2000 OFFSET $((PEOPLE / 3)))" 2>/dev/null \
    || sql "SELECT string_agg(id, ' ') FROM (SELECT id FROM people ORDER BY id LIMIT 2000 OFFSET $((PEOPLE / 3))) s")
python3 - "$work/many.lua" $ids <<'LUA'
import sys
ids = sys.argv[2:]
with open(sys.argv[1], "w") as f:
    f.write("local ids = {" + ",".join('"%s"' % i for i in ids) + "}\n")
    f.write("local n = 0\nrequest = function()\n  n = n % #ids + 1\n  return wrk.format(nil, \"/api/v1/people/\" .. ids[n])\nend\n")
LUA

# wrk walks 500 name fragments of 3 to 6 letters, so that no search is
# measured on one hot query (fragments of real names, random but the same
# in every run).
names=$(sql "SELECT group_concat(name_key, '|') FROM (SELECT name_key FROM people ORDER BY id LIMIT 500 OFFSET $((PEOPLE / 4)))" 2>/dev/null \
    || sql "SELECT string_agg(name_key, '|') FROM (SELECT name_key FROM people ORDER BY id LIMIT 500 OFFSET $((PEOPLE / 4))) s")
python3 - "$work/fragments.lua" "$names" <<'LUA'
import random, sys
rng = random.Random(18)
fragments = []
for name in sys.argv[2].split("|"):
    word = max(name.split(" "), key=len)
    size = rng.randint(3, min(6, len(word))) if len(word) >= 3 else len(word)
    start = rng.randint(0, len(word) - size)
    fragments.append(word[start:start + size])
with open(sys.argv[1], "w") as f:
    f.write("local qs = {" + ",".join('"%s"' % q for q in fragments) + "}\n")
    f.write("local n = 0\nrequest = function()\n  n = n % #qs + 1\n  return wrk.format(nil, \"/api/v1/people?limit=20&q=\" .. qs[n])\nend\n")
LUA

workloads=(
    "healthz (ceiling)|/healthz"
    "GET person by id|/api/v1/people/$person_id"
    "GET person, 2,000 ids|/api/v1/people/$person_id|$work/many.lua"
    "person's contact points|/api/v1/people/$person_id/contact-points"
    "list, first page|/api/v1/people?limit=50"
    "list, page at 90%|/api/v1/people?limit=50&cursor=$deep_cursor"
    "search: name prefix (lefe)|/api/v1/people?limit=20&q=lefe"
    "search: substring (ncalv)|/api/v1/people?limit=20&q=ncalv"
    "search: accent-folded (jurgen)|/api/v1/people?limit=20&q=jurgen"
    "search: phone fragment (4815 12)|/api/v1/people?limit=20&q=4815%2012"
    "search: 500 name fragments|/api/v1/people?limit=20&q=lefe|$work/fragments.lua"
    "search: office city (tokyo)|/api/v1/people?limit=20&q=tokyo"
    "one-box search (maria)|/api/v1/search?limit=20&q=maria"
)

# The server runs three times on the same data: as configured by default,
# without the read cache, and searching in SQL only (SQLite's FTS5; on
# PostgreSQL the default already searches in SQL).
for mode in "defaults (read cache 1 s, search in memory on SQLite)|--read-cache-ttl-ms 1000" \
    "no read cache|--read-cache-ttl-ms 0" "no read cache, search in SQL only|--read-cache-ttl-ms 0 --no-search-in-memory"; do
    # The rate limit is off: it would turn a benchmark into a test of 429s.
    # shellcheck disable=SC2086
    PRESSDIR_LOG=warn "$BIN" --database-url "$db_url" serve --bind "127.0.0.1:$PORT" --no-seed \
        --rate-limit-per-minute 0 ${mode#*|} &
    server_pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

    # Warm up every URL once, and check it answers 200.
    for entry in "${workloads[@]}"; do
        path=$(cut -d'|' -f2 <<<"$entry")
        status=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
        [ "$status" = 200 ] || { echo "$path answered $status"; exit 1; }
    done

    echo
    echo "backend: $backend, people: $PEOPLE, ${mode%|*}, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores"
    echo
    echo "| workload | requests/s | of /healthz | p50 | p99 | p50, 1 connection | hits |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    ceiling=""
    for entry in "${workloads[@]}"; do
        name=$(cut -d'|' -f1 <<<"$entry")
        path=$(cut -d'|' -f2 <<<"$entry")
        script=$(cut -d'|' -f3 <<<"$entry")
        hits=$(curl -s "$base$path" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]) if "items" in d else 1)')
        out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency ${script:+-s "$script"} "$base$path")
        rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
        [ -z "$ceiling" ] && ceiling=$rps
        share=$(python3 -c "print(f'{100 * $rps / $ceiling:.1f} %')")
        # What one journalist sees on an otherwise idle server.
        alone=$(wrk -t1 -c1 -d3s --latency ${script:+-s "$script"} "$base$path" | awk '$1 == "50%" {print $2}')
        echo "| $name | $rps | $share | $p50 | $p99 | $alone | $hits |${errors:+ $errors}"
    done
    echo
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
    anon=$(awk '/RssAnon/ {print $2}' "/proc/$server_pid/status")
    echo "server peak RSS: $((rss / 1024)) MiB (anonymous now: $((anon / 1024)) MiB; the rest is file-backed: with SQLite, the memory-mapped database)"
    curl -s "$base/metrics" | grep -E '^pressdir_read_cache' || true
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
