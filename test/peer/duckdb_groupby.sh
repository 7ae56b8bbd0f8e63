#!/usr/bin/env bash
# duckdb_groupby.sh TARN_BINARY -- peer check of the walking skeleton's acceptance query:
# DuckDB writes a Parquet file; `tarn -json -c "SELECT category, count(*), avg(amount) FROM
# 'f.parquet' GROUP BY 1 ORDER BY 2 DESC"` must return what DuckDB returns for the same query
# (counts exactly, averages to 1e-9 relative). Skips (exit 0, message) when node or the DuckDB
# npm package is not available (set TARN_NODE_MODULES to a node_modules dir holding it).
set -euo pipefail
TARN=$1
here=$(cd "$(dirname "$0")" && pwd)
mods=${TARN_NODE_MODULES:-$here/../../bench/node_modules}
if ! command -v node >/dev/null || [ ! -d "$mods/@duckdb/node-api" ]; then
    echo "SKIP: node or @duckdb/node-api not available (looked in $mods)"
    exit 0
fi
tmp=${TARN_TEST_TMP:-/tmp}/peer_groupby.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cp "$here/duckdb_peer.mjs" "$tmp/"
ln -s "$mods" "$tmp/node_modules"
f="$tmp/f.parquet"
node "$tmp/duckdb_peer.mjs" exec "COPY (SELECT CASE WHEN i % 97 = 0 THEN NULL ELSE 'cat_' || (i % 7)::VARCHAR END AS category,
      CASE WHEN i % 11 = 0 THEN NULL ELSE ((i * 7919) % 100000) / 100.0 END::DECIMAL(12,2) AS amount,
      i AS id FROM range(100000) t(i)) TO '$f' (FORMAT parquet)"
q="SELECT category, count(*), avg(amount) FROM '$f' GROUP BY 1 ORDER BY 2 DESC, 1"
"$TARN" -json -c "$q" > "$tmp/tarn.json"
node "$tmp/duckdb_peer.mjs" json "$q" > "$tmp/duck.json"
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync(process.argv[1]));
const b = JSON.parse(fs.readFileSync(process.argv[2]));
const norm = r => Object.values(r);
if (a.length !== b.length) { console.error("row count", a.length, "vs", b.length); process.exit(1); }
for (let i = 0; i < a.length; i++) {
  const x = norm(a[i]), y = norm(b[i]);
  if (x.length !== 3) { console.error("tarn row has", x.length, "columns"); process.exit(1); }
  if (x[0] !== y[0]) { console.error("row", i, "category", x[0], "vs", y[0]); process.exit(1); }
  if (Number(x[1]) !== Number(y[1])) { console.error("row", i, "count", x[1], "vs", y[1]); process.exit(1); }
  const ax = Number(x[2]), ay = Number(y[2]);
  if (Math.abs(ax - ay) > 1e-9 * Math.max(1, Math.abs(ay))) { console.error("row", i, "avg", ax, "vs", ay); process.exit(1); }
}
console.log("peer groupby: " + a.length + " groups match DuckDB");
' "$tmp/tarn.json" "$tmp/duck.json"
