#!/usr/bin/env bash
# Times release ingestion: extraction over every labelled fixture, and dry
# runs of the longest texts the API accepts (100,000 characters) in shapes
# that once made reading quadratic. No limit is involved (the CLI reads
# files; the API's body limit and timeouts are not on this path).
#
#   bench/ingest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/pressdir
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fixtures=$(ls fixtures/releases/*/*.txt | wc -l)
start=$(date +%s.%N)
for dir in fixtures/releases/*/; do "$BIN" ingest --report "$dir" >/dev/null; done
end=$(date +%s.%N)
echo "extraction, $fixtures labelled releases: $(echo "($end - $start) * 1000 / $fixtures" | bc -l | xargs printf '%.2f') ms per release"

python3 - "$work" <<'PY'
import sys
out = sys.argv[1]
words = " ".join("Ab" + chr(97 + i % 26) for i in range(14000))
texts = {
    "capitals": f"Title Of The Release\nGENEVA, 12 March 2024 – {words} “Quote here with words,” said Ms Abc.",
    "contact-sentences": ". For more information contact Ab Cd +41 22 717 9111" * 1500,
    "verbs": "“a b c d,” " + "said Ab Cd said " * 3000,
    "quotes": "“a b c d,” said Ms X. " * 4000,
}
for name, text in texts.items():
    open(f"{out}/{name}.txt", "w").write(text[:100000])
PY
db="$work/bench.db"
"$BIN" --database-url "$db" migrate >/dev/null
for file in "$work"/*.txt; do
    start=$(date +%s.%N)
    "$BIN" --database-url "$db" ingest --dry-run "$file" >/dev/null
    end=$(date +%s.%N)
    echo "dry run, $(basename "$file" .txt) ($(wc -c <"$file") bytes): $(echo "($end - $start) * 1000" | bc -l | xargs printf '%.0f') ms"
done
