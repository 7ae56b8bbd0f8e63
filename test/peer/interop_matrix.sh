#!/usr/bin/env bash
# interop_matrix.sh TARN_BINARY [--quick] [--verbose] -- Parquet interoperability matrix between tarn
# and DuckDB: every type (with edge values and NULLs) x codec x page version x dictionary x nesting,
# (a) written by tarn and read by DuckDB, (b) written by DuckDB and read by tarn, compared value by
# value (see interop_matrix.mjs). Prints a pass/fail/skip matrix; exits 1 on any mismatch. Skips
# (exit 0, message) when node or the DuckDB npm package is not available (set TARN_NODE_MODULES to a
# node_modules dir holding @duckdb/node-api).
set -euo pipefail
TARN=$1
shift
case "$TARN" in /*) ;; *) TARN="$PWD/$TARN" ;; esac
here=$(cd "$(dirname "$0")" && pwd)
mods=${TARN_NODE_MODULES:-$here/../../bench/node_modules}
if ! command -v node >/dev/null || [ ! -d "$mods/@duckdb/node-api" ]; then
    echo "SKIP: node or @duckdb/node-api not available (looked in $mods)"
    exit 0
fi
tmp=${TARN_TEST_TMP:-/tmp}/peer_interop.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
cp "$here/interop_matrix.mjs" "$tmp/"
ln -s "$mods" "$tmp/node_modules"
node "$tmp/interop_matrix.mjs" "$TARN" "$tmp/files" "$@"
