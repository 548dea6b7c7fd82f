#!/usr/bin/env bash
# Bulk import against export, side by side, on one synthetic directory.
#
#   bench/import.sh                   # SQLite, 100,000 people, 3 rounds
#   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 bench/import.sh
#   PEOPLE=10000 ROUNDS=5 bench/import.sh
#
# Each round exports the directory and imports that document into a new,
# empty database, one right after the other, so that the machine's noise
# falls on both; the ratio is the import's time over the export's, with
# peak RSS. No limit applies to the CLI commands (the HTTP body limit and
# request timeout are the server's); logs are at warn.
set -euo pipefail
cd "$(dirname "$0")/.."

PEOPLE="${PEOPLE:-100000}"
ROUNDS="${ROUNDS:-3}"

cargo build --release --quiet
BIN=target/release/pressdir
work=$(mktemp -d)
databases=()
export PGOPTIONS="--client-min-messages=warning"
cleanup() {
    for db in "${databases[@]+"${databases[@]}"}"; do
        psql "$BENCH_POSTGRES_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Sets `url` to a new empty database (not in a subshell: `databases`
# must remember it for the clean-up).
fresh() {
    if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
        local name="pd_bench_import_$$_$1"
        psql "$BENCH_POSTGRES_URL/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
        databases+=("$name")
        url="$BENCH_POSTGRES_URL/$name"
    else
        url="$work/$1.db"
    fi
}

fresh source
source_db=$url
"$BIN" --log warn --database-url "$source_db" demo-data --people "$PEOPLE" >/dev/null
backend=SQLite
[ -z "${BENCH_POSTGRES_URL:-}" ] || backend=PostgreSQL
echo "backend: $backend, $PEOPLE people, $(nproc) cores"
printf '%-6s %10s %10s %7s %14s\n' round export import ratio "import RSS"
for round in $(seq "$ROUNDS"); do
    /usr/bin/time -f "%e" -o "$work/export.time" "$BIN" --log warn --database-url "$source_db" export >"$work/export.json"
    fresh "target$round"
    target=$url
    /usr/bin/time -f "%e %M" -o "$work/import.time" "$BIN" --log warn --database-url "$target" import "$work/export.json" >/dev/null
    read -r export_s <"$work/export.time"
    read -r import_s rss_kb <"$work/import.time"
    printf '%-6s %9ss %9ss %6.1fx %11d MB\n' "$round" "$export_s" "$import_s" \
        "$(echo "$import_s / $export_s" | bc -l)" "$((rss_kb / 1024))"
    [ -n "${BENCH_POSTGRES_URL:-}" ] || rm -f "$target"*
done
echo "document: $(($(stat -c %s "$work/export.json") / 1000000)) MB"
