#!/usr/bin/env bash
# bench/delta.sh -- Delta Lake log replay and data skipping at scale.
#
#   bench/delta.sh [--commits N] [--checkpoint-every K] [--files M] [--runs R] [--build DIR] [--regen]
#
# Generates (once, under bench/data/delta/; --regen rebuilds) two tables, then measures them with
# bench/delta_bench.c (built here against $BUILD/libtarn.a; it reports wall time of
# dlt_table_open + dlt_snapshot_load, best of R runs, and peak RSS from getrusage ru_maxrss):
#
#  long_log      N commits (default 10,000). Commit v adds data/f<v>.parquet (a hard link to one
#                100-row file written by tarn COPY, with add.stats); every 10th commit also removes
#                the file added 5 commits earlier. Every K commits (default 100) a classic
#                multi-part Parquet checkpoint is written by tarn COPY (part 1: protocol + metaData,
#                part 2: the live adds as `add` structs), plus _last_checkpoint.
#  long_log_json the same JSON commits (hard links) without any checkpoint: replay from version 0.
#  many_files    M data files (default 100,000) p=<p>/data_0.parquet, each written by tarn COPY with
#                10 rows (id = 10 p .. 10 p + 9, v = id % 13), one commit whose adds carry the real
#                sizes, partition values and min/max/nullCount stats; then the same table with a
#                two-part Parquet checkpoint at version 0 (sizes in the checkpoint are the JSON
#                commit's). Queries: a selective id range (stats skipping), one partition
#                (partition pruning), and a count over everything.
# The JSON commits are written by python3 (tarn has no writer for Delta logs yet).
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=10000
CP_EVERY=100
NFILES=100000
RUNS=3
BUILD=${TARN_BUILD:-build-release}
REGEN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --commits) COMMITS=$2; shift 2 ;;
        --checkpoint-every) CP_EVERY=$2; shift 2 ;;
        --files) NFILES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        --regen) REGEN=1; shift ;;
        *) echo "usage: $0 [--commits N] [--checkpoint-every K] [--files M] [--runs R] [--build DIR] [--regen]" >&2; exit 2 ;;
    esac
done
command -v python3 >/dev/null || { echo "delta.sh: python3 is required (it writes the JSON commits)" >&2; exit 1; }

if [ ! -x "$BUILD/tarn" ] || [ ! -f "$BUILD/libtarn.a" ]; then
    echo "building tarn (Release) in $BUILD ..."
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target tarn tarn_static >/dev/null
fi
TARN=$BUILD/tarn
BENCH=$BUILD/delta_bench
# shellcheck disable=SC2046
cc -O2 -std=gnu11 -Iinclude -Isrc bench/delta_bench.c "$BUILD/libtarn.a" \
   $(pkg-config --libs libzstd snappy liblz4 zlib libbrotlidec libbrotlienc libxxhash jansson) -lroaring -lpthread -lm \
   -o "$BENCH"

DATA=bench/data/delta
mkdir -p "$DATA"
SCHEMA_LONG='{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"g","type":"long","nullable":true,"metadata":{}}]}'
SCHEMA_MANY='{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"p","type":"long","nullable":true,"metadata":{}},{"name":"v","type":"long","nullable":true,"metadata":{}}]}'
sqlq() { printf "%s" "$1" | sed "s/'/''/g"; }

# ---------------------------------------------------------------- long_log
LONG=$DATA/long_log
if [ "$REGEN" = 1 ] || [ ! -f "$LONG/.done-$COMMITS-$CP_EVERY" ]; then
    echo "generating $LONG ($COMMITS commits, checkpoint every $CP_EVERY) ..."
    rm -rf "$LONG" "$DATA/long_log_json"
    mkdir -p "$LONG/_delta_log" "$LONG/data"
    "$TARN" -c "COPY (SELECT range AS id, range % 7 AS g FROM range(100)) TO '$LONG/base.parquet'" >/dev/null
    python3 - "$LONG" "$COMMITS" "$SCHEMA_LONG" <<'EOF'
import json, os, sys
root, n, schema = sys.argv[1], int(sys.argv[2]), sys.argv[3]
size = os.path.getsize(os.path.join(root, "base.parquet"))
stats = json.dumps({"numRecords": 100, "minValues": {"id": 0, "g": 0}, "maxValues": {"id": 99, "g": 6},
                    "nullCount": {"id": 0, "g": 0}})
for v in range(n):
    os.link(os.path.join(root, "base.parquet"), os.path.join(root, "data", "f%d.parquet" % v))
    lines = [{"commitInfo": {"timestamp": 1700000000000 + v * 1000, "operation": "WRITE",
                             "operationParameters": {"mode": "Append"}, "isBlindAppend": v % 10 != 0}}]
    if v == 0:
        lines.append({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}})
        lines.append({"metaData": {"id": "bench-long", "format": {"provider": "parquet", "options": {}},
                                   "schemaString": schema, "partitionColumns": [], "configuration": {},
                                   "createdTime": 1700000000000}})
    lines.append({"add": {"path": "data/f%d.parquet" % v, "partitionValues": {}, "size": size,
                          "modificationTime": 1700000000000 + v * 1000, "dataChange": True, "stats": stats}})
    if v % 10 == 0 and v >= 10:
        lines.append({"remove": {"path": "data/f%d.parquet" % (v - 5), "deletionTimestamp": 1700000000000 + v * 1000,
                                 "dataChange": True}})
    with open(os.path.join(root, "_delta_log", "%020d.json" % v), "w") as f:
        f.write("\n".join(json.dumps(l) for l in lines) + "\n")
EOF
    # checkpoints: one tarn process writes all of them (two parts each)
    SQLF=$DATA/long_log_checkpoints.sql
    : > "$SQLF"
    last=0
    SIZE=$(stat -c %s "$LONG/base.parquet")
    SS=$(sqlq "$SCHEMA_LONG")
    STATS='{"numRecords":100,"minValues":{"id":0,"g":0},"maxValues":{"id":99,"g":6},"nullCount":{"id":0,"g":0}}'
    for ((v = CP_EVERY; v < COMMITS; v += CP_EVERY)); do
        p1=$(printf "%s/_delta_log/%020d.checkpoint.0000000001.0000000002.parquet" "$LONG" "$v")
        p2=$(printf "%s/_delta_log/%020d.checkpoint.0000000002.0000000002.parquet" "$LONG" "$v")
        cat >> "$SQLF" <<EOF
COPY (SELECT {'minReaderVersion': 1, 'minWriterVersion': 2} AS protocol, {'id': 'bench-long', 'format': {'provider': 'parquet'}, 'schemaString': '$SS', 'partitionColumns': CAST([] AS VARCHAR[]), 'configuration': MAP {'delta.checkpointInterval': '$CP_EVERY'}, 'createdTime': 1700000000000} AS metaData FROM range(1)) TO '$p1';
COPY (SELECT {'path': 'data/f' || range || '.parquet', 'size': $SIZE, 'modificationTime': 1700000000000 + range * 1000, 'dataChange': false, 'stats': '$STATS'} AS add FROM range(0, $v + 1) WHERE NOT (range % 10 = 5 AND range <= $v - 5)) TO '$p2';
EOF
        last=$v
    done
    "$TARN" "$SQLF" >/dev/null
    if [ "$last" -gt 0 ]; then
        printf '{"version":%d,"size":%d,"parts":2}' "$last" "$((last + 2))" > "$LONG/_delta_log/_last_checkpoint"
    fi
    # the same log without checkpoints
    mkdir -p "$DATA/long_log_json/_delta_log"
    ln -s ../long_log/data "$DATA/long_log_json/data"
    for f in "$LONG"/_delta_log/*.json; do ln "$f" "$DATA/long_log_json/_delta_log/"; done
    touch "$LONG/.done-$COMMITS-$CP_EVERY"
fi

# ---------------------------------------------------------------- many_files
MANY=$DATA/many_files
if [ "$REGEN" = 1 ] || [ ! -f "$MANY/.done-$NFILES" ]; then
    echo "generating $MANY ($NFILES files) ..."
    rm -rf "$MANY"
    # one COPY per file (tarn's COPY has no PARTITION_BY yet), all in one tarn process
    python3 - "$MANY" "$NFILES" > "$DATA/many_files.sql" <<'EOF2'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for p in range(n):
    os.makedirs(os.path.join(root, "p=%d" % p), exist_ok=True)
    print("COPY (SELECT range + %d AS id, (range + %d) %% 13 AS v FROM range(10)) TO '%s/p=%d/data_0.parquet';"
          % (p * 10, p * 10, root, p))
EOF2
    "$TARN" "$DATA/many_files.sql" >/dev/null
    mkdir -p "$MANY/_delta_log"
    python3 - "$MANY" "$NFILES" "$SCHEMA_MANY" <<'EOF'
import json, os, sys
root, n, schema = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = [json.dumps({"commitInfo": {"timestamp": 1700000000000, "operation": "WRITE"}}),
       json.dumps({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}),
       json.dumps({"metaData": {"id": "bench-many", "format": {"provider": "parquet", "options": {}},
                                "schemaString": schema, "partitionColumns": ["p"], "configuration": {},
                                "createdTime": 1700000000000}})]
for p in range(n):
    rel = "p=%d/data_0.parquet" % p
    ids = [p * 10 + i for i in range(10)]
    vs = [i % 13 for i in ids]
    stats = {"numRecords": 10, "minValues": {"id": ids[0], "v": min(vs)}, "maxValues": {"id": ids[-1], "v": max(vs)},
             "nullCount": {"id": 0, "v": 0}}
    out.append(json.dumps({"add": {"path": rel, "partitionValues": {"p": str(p)},
                                   "size": os.path.getsize(os.path.join(root, rel)),
                                   "modificationTime": 1700000000000, "dataChange": True,
                                   "stats": json.dumps(stats)}}))
with open(os.path.join(root, "_delta_log", "%020d.json" % 0), "w") as f:
    f.write("\n".join(out) + "\n")
EOF
    touch "$MANY/.done-$NFILES"
fi

echo
echo "== long_log: $COMMITS commits, checkpoint every $CP_EVERY (multi-part Parquet) =="
"$BENCH" "$LONG" "$RUNS" "SELECT count(*) FROM '$LONG' WHERE id = 5"
echo
echo "== long_log_json: the same $COMMITS JSON commits, no checkpoint =="
"$BENCH" "$DATA/long_log_json" "$RUNS"
echo
echo "== many_files: $NFILES files, one JSON commit =="
rm -f "$MANY"/_delta_log/*.checkpoint.*.parquet "$MANY/_delta_log/_last_checkpoint"
"$BENCH" "$MANY" "$RUNS" "SELECT count(*), sum(v) FROM '$MANY' WHERE id BETWEEN $((NFILES * 5)) AND $((NFILES * 5 + 99))"
"$BENCH" "$MANY" 1 "SELECT count(*), sum(v) FROM '$MANY' WHERE p = $((NFILES / 2 + 42))" | grep -E "explain_files|query_"
"$BENCH" "$MANY" 1 "SELECT count(*), sum(v) FROM '$MANY'" | grep -E "explain_files|query_|maxrss_end"
echo
echo "== many_files with a two-part Parquet checkpoint at version 0 =="
SS=$(sqlq "$SCHEMA_MANY")
"$TARN" -c "COPY (SELECT {'minReaderVersion': 1, 'minWriterVersion': 2} AS protocol, {'id': 'bench-many', 'format': {'provider': 'parquet'}, 'schemaString': '$SS', 'partitionColumns': ['p'], 'createdTime': 1700000000000} AS metaData FROM range(1)) TO '$MANY/_delta_log/00000000000000000000.checkpoint.0000000001.0000000002.parquet'" \
        -c "COPY (SELECT {'path': 'p=' || range || '/data_0.parquet', 'partitionValues': MAP {'p': CAST(range AS VARCHAR)}, 'size': 1000, 'modificationTime': 1700000000000, 'dataChange': false, 'stats': '{\"numRecords\":10,\"minValues\":{\"id\":' || (range * 10) || '},\"maxValues\":{\"id\":' || (range * 10 + 9) || '},\"nullCount\":{\"id\":0}}'} AS add FROM range($NFILES)) TO '$MANY/_delta_log/00000000000000000000.checkpoint.0000000002.0000000002.parquet'" >/dev/null
printf '{"version":0,"size":%d,"parts":2}' "$((NFILES + 2))" > "$MANY/_delta_log/_last_checkpoint"
"$BENCH" "$MANY" "$RUNS" "SELECT count(*), sum(v) FROM '$MANY' WHERE id BETWEEN $((NFILES * 5)) AND $((NFILES * 5 + 99))"
rm -f "$MANY"/_delta_log/*.checkpoint.*.parquet "$MANY/_delta_log/_last_checkpoint"
