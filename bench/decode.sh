#!/usr/bin/env bash
# bench/decode.sh -- Parquet decode throughput per encoding and codec, tarn vs DuckDB on the same files.
#
#   bench/decode.sh [--rows N] [--runs R] [--types "int32 int64 float double varchar"]
#                   [--codecs "uncompressed snappy gzip zstd brotli lz4_raw"] [--build DIR] [--gen-only]
#
# For each type, one column `x` of N values (default 10M) is written once into bench/data/decode/ per
# encoding x codec. The values are the same for every encoding of a type: derived from
# hash(row) % 4096, i.e. 4096 distinct values in no short cycle (so dictionary encoding applies and
# the codecs see realistic, not periodic, input):
#   PLAIN                      DuckDB, PARQUET_VERSION V1, DICTIONARY_SIZE_LIMIT 0
#   RLE_DICTIONARY             DuckDB, PARQUET_VERSION V2 (dictionary on)
#   DELTA_BINARY_PACKED        DuckDB, PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 0 (integers)
#   BYTE_STREAM_SPLIT          same (float, double)
#   DELTA_LENGTH_BYTE_ARRAY    same (varchar)
#   DELTA_BYTE_ARRAY           DuckDB 1.5 never writes it: tarn copies the PLAIN file's values with
#                              PARQUET_VERSION v2 and no dictionary (its writer picks DELTA_BYTE_ARRAY
#                              when shared prefixes save bytes); skipped with a note if it does not
# The encoding actually found in the footer (parquet_metadata) is printed, not the intended one.
# Files are generated once and reused (about 2.8 GB for 10M rows). The first generation takes long:
# DuckDB compresses brotli at quality 11, so the brotli files alone take most of an hour on two
# cores; leave brotli out of --codecs for a quick run.
# Each file is scanned with a query that forces every value to be decoded -- SELECT sum(x) for
# numbers (DuckDB answers numeric min/max from the row-group statistics alone), SELECT min(x), max(x)
# for strings -- by tarn (tarn_bench, public API, one thread) and DuckDB (node, default threads and
# threads=1): one warm-up, then best of R runs. Reported: MB/s of decoded data (N x width for fixed-width types, total string
# bytes for varchar), million rows/s, and the time ratio tarn/DuckDB (< 1 = tarn faster). Both
# engines' min(x), max(x), count(x) are compared as text (chk column).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=10000000
RUNS=3
TYPES="int32 int64 float double varchar"
CODECS="uncompressed snappy gzip zstd brotli lz4_raw"
BUILD=${TARN_BUILD:-build-release}
GEN_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --types) TYPES=$2; shift 2 ;;
        --codecs) CODECS=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        --gen-only) GEN_ONLY=1; shift ;;
        *) echo "usage: $0 [--rows N] [--runs R] [--types \"...\"] [--codecs \"...\"] [--build DIR] [--gen-only]" >&2; exit 2 ;;
    esac
done

if ! command -v node >/dev/null; then echo "decode.sh: node is required" >&2; exit 1; fi
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
    echo "installing @duckdb/node-api (npm) ..."
    (cd bench && npm install --no-audit --no-fund --silent @duckdb/node-api >/dev/null)
fi
if [ ! -x "$BUILD/tarn_bench" ] || [ ! -x "$BUILD/tarn" ]; then
    echo "building tarn (Release) in $BUILD ..."
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target tarn tarn_bench >/dev/null
fi
TARN=$BUILD/tarn
BENCH=$BUILD/tarn_bench
DUCK="node bench/decode.mjs"
DATA=bench/data/decode
mkdir -p "$DATA"

expr_for() {
    case "$1" in
        int32) echo "CAST(hash(range) % 4096 AS INTEGER)" ;;
        int64) echo "CAST(hash(range) % 4096 AS BIGINT) * 1000003" ;;
        float) echo "CAST(CAST(hash(range) % 4096 AS DOUBLE) / 7 AS FLOAT)" ;;
        double) echo "CAST(hash(range) % 4096 AS DOUBLE) / 7" ;;
        varchar) echo "'str_' || CAST(hash(range) % 4096 AS VARCHAR) || '_abcdefgh'" ;;
        *) echo "decode.sh: unknown type $1" >&2; exit 2 ;;
    esac
}
width_for() { case "$1" in int32|float) echo 4 ;; int64|double) echo 8 ;; *) echo 0 ;; esac; }
encodings_for() {
    case "$1" in
        int32|int64) echo "PLAIN RLE_DICTIONARY DELTA_BINARY_PACKED" ;;
        float|double) echo "PLAIN RLE_DICTIONARY BYTE_STREAM_SPLIT" ;;
        varchar) echo "PLAIN RLE_DICTIONARY DELTA_LENGTH_BYTE_ARRAY DELTA_BYTE_ARRAY" ;;
    esac
}
duck_opts_for() {
    case "$1" in
        PLAIN) echo "PARQUET_VERSION V1, DICTIONARY_SIZE_LIMIT 0" ;;
        RLE_DICTIONARY) echo "PARQUET_VERSION V2" ;;
        DELTA_BINARY_PACKED|BYTE_STREAM_SPLIT|DELTA_LENGTH_BYTE_ARRAY) echo "PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 0" ;;
        *) echo "" ;;
    esac
}
# tarn COPY option sets tried for encodings DuckDB does not write (v2 options are being added).
TARN_V2_OPTS=("PARQUET_VERSION v2, DICTIONARY_SIZE_LIMIT 0" "PARQUET_VERSION v2, DICTIONARY false" "PARQUET_VERSION v2")

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
notes=()
files=() ftypes=() fencs=() fcodecs=() fwriter=()
echo "generating files in $DATA (rows=$ROWS; existing files are reused) ..." >&2
for t in $TYPES; do
    e=$(expr_for "$t")
    for enc in $(encodings_for "$t"); do
        for c in $CODECS; do
            f=$DATA/${t}_${enc}_${c}_${ROWS}.parquet
            writer=duckdb
            if [ ! -f "$f" ]; then
                opts=$(duck_opts_for "$enc")
                if [ -n "$opts" ]; then
                    $DUCK exec "COPY (SELECT $e AS x FROM range($ROWS)) TO '$f.tmp' (FORMAT parquet, COMPRESSION $c, $opts)"
                    mv "$f.tmp" "$f"
                else
                    # tarn copies the values from the PLAIN/uncompressed file (it has no hash()).
                    src=$DATA/${t}_PLAIN_uncompressed_${ROWS}.parquet
                    if [ ! -f "$src" ]; then
                        $DUCK exec "COPY (SELECT $e AS x FROM range($ROWS)) TO '$src.tmp' (FORMAT parquet, COMPRESSION uncompressed, $(duck_opts_for PLAIN))"
                        mv "$src.tmp" "$src"
                    fi
                    made=0
                    for o in "${TARN_V2_OPTS[@]}"; do
                        if $TARN -c "COPY (SELECT x FROM '$src') TO '$f.tmp' (FORMAT parquet, COMPRESSION $c, $o)" >/dev/null 2>&1; then
                            if $DUCK layout "$f.tmp" | cut -f2 | grep -q "$enc"; then mv "$f.tmp" "$f"; made=1; break; fi
                        fi
                        rm -f "$f.tmp"
                    done
                    if [ $made = 0 ]; then
                        n="no writer produced $enc for $t (DuckDB 1.5 does not write it; tarn COPY has no option yielding it) -> skipped"
                        [[ " ${notes[*]-} " == *"$n"* ]] || notes+=("$n")
                        continue
                    fi
                fi
            fi
            [ "$enc" = DELTA_BYTE_ARRAY ] && writer=tarn
            files+=("$f"); ftypes+=("$t"); fencs+=("$enc"); fcodecs+=("$c"); fwriter+=("$writer")
        done
    done
done
[ ${#files[@]} -gt 0 ] || { echo "no files to benchmark" >&2; exit 1; }
if [ $GEN_ONLY = 1 ]; then
    for n in "${notes[@]+"${notes[@]}"}"; do echo "note: $n"; done
    exit 0
fi

# Footer facts of every file: actual encodings.
declare -A ACTUAL
while IFS=$'\t' read -r f enc codec nrows nrg; do ACTUAL[$f]=$enc; done < <($DUCK layout "${files[@]}")
# Decoded bytes per type (strings: total bytes of all values).
declare -A DATABYTES
for t in $TYPES; do
    w=$(width_for "$t")
    if [ "$w" -gt 0 ]; then
        DATABYTES[$t]=$((ROWS * w))
    else
        DATABYTES[$t]=$($DUCK tsv "SELECT sum(strlen($(expr_for "$t"))) FROM range($ROWS)")
    fi
done

# DuckDB answers min/max of numeric columns from row-group statistics without decoding (~1 ms for
# 10M rows), so numbers are timed with sum(x); strings (inexact statistics) with min(x), max(x).
Q=()
for i in "${!files[@]}"; do
    if [ "${ftypes[$i]}" = varchar ]; then Q+=("SELECT min(x), max(x) FROM '${files[$i]}'")
    else Q+=("SELECT sum(x) FROM '${files[$i]}'"); fi
done
# tarn: wall = best of R runs (tarn_bench after its warm-up); CPU = user+system time of
# `tarn_bench -r R+1` minus that of `tarn_bench -r 1`, divided by R (startup and warm-up cancel).
cpu_of() { ( "$@" >/dev/null 2>&1; times ) | tail -1 | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } print s }'; }
echo "timing ${#Q[@]} files: tarn ..." >&2
T=() TC=()
for q in "${Q[@]}"; do
    if line=$($BENCH -r "$RUNS" "$q" 2>/dev/null); then
        T+=("$(echo "$line" | cut -f2)")
        c1=$(cpu_of "$BENCH" -r 1 "$q"); cn=$(cpu_of "$BENCH" -r $((RUNS + 1)) "$q")
        TC+=("$(awk -v a="$c1" -v b="$cn" -v r="$RUNS" 'BEGIN { printf "%.6f", (b - a) / r }')")
    else T+=("ERR"); TC+=("ERR"); fi
done
echo "timing: DuckDB (default threads) ..." >&2
mapfile -t D < <($DUCK time default "$RUNS" "${Q[@]}")
echo "timing: DuckDB (threads=1) ..." >&2
mapfile -t D1 < <($DUCK time 1 "$RUNS" "${Q[@]}")

printf "\nrows=%s; wall = best of %s after a warm-up; cpu = mean user+system time per run (robust to other load;\n" "$ROWS" "$RUNS"
printf "tarn and DuckDB threads=1 only); MB = 10^6 bytes of decoded values; MB/s and Mrows/s from cpu time;\n"
printf "ratios = tarn time / DuckDB time (< 1: tarn faster); load average at start: %s\n" "$LOAD0"
printf "%-8s %-30s %-12s %7s %7s | %26s | %17s | %15s | %15s | %20s |\n" "" "" "" "" "" "wall ms" "cpu ms" "MB/s (cpu)" \
    "Mrows/s (cpu)" "ratio tarn/duckdb"
printf "%-8s %-30s %-12s %7s %7s | %8s %8s %8s | %8s %8s | %7s %7s | %7s %7s | %6s %6s %6s | %s\n" \
    type encoding codec "file MB" "data MB" "tarn" "duck" "duck1t" "tarn" "duck1t" "tarn" "duck1t" "tarn" "duck1t" \
    "wall" "wall1t" "cpu1t" chk
for i in "${!files[@]}"; do
    f=${files[$i]}; t=${ftypes[$i]}
    fmb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN{printf "%.1f", b/1e6}')
    dbytes=${DATABYTES[$t]}
    d=$(echo "${D[$i]}" | cut -f2); d1=$(echo "${D1[$i]}" | cut -f2); d1c=$(echo "${D1[$i]}" | cut -f3)
    # Same answer from both engines?
    cq="SELECT CAST(min(x) AS VARCHAR), CAST(max(x) AS VARCHAR), CAST(count(x) AS VARCHAR) FROM '$f'"
    tv=$($TARN -csv -noheader -c "$cq" 2>/dev/null | tr ',' '\t' || true)
    dv=$($DUCK tsv "$cq")
    chk=ok; [ "$tv" = "$dv" ] || chk="DIFF(tarn '$tv' duckdb '$dv')"
    enc=${ACTUAL[$f]:-?}
    [ "$enc" = RLE ] || enc=$(echo "$enc" | tr ',' '\n' | grep -vx RLE | paste -sd, -) # RLE = levels only
    [ "${fwriter[$i]}" = tarn ] && enc="$enc(tarn)"
    awk -v t="$t" -v enc="$enc" -v c="${fcodecs[$i]}" -v fmb="$fmb" -v db="$dbytes" -v n="$ROWS" \
        -v tt="${T[$i]}" -v tc="${TC[$i]}" -v d="$d" -v d1="$d1" -v d1c="$d1c" -v chk="$chk" 'BEGIN {
        mb = db / 1e6
        if (tt == "ERR") { ts = "ERR"; tcs = "-"; tmbs = "-"; tmr = "-"; r = "-"; r1 = "-"; rc = "-" }
        else { ts = sprintf("%.1f", tt * 1000); tcs = sprintf("%.1f", tc * 1000); tmbs = sprintf("%.0f", mb / tc);
               tmr = sprintf("%.1f", n / tc / 1e6); r = sprintf("%.2f", tt / d); r1 = sprintf("%.2f", tt / d1);
               rc = sprintf("%.2f", tc / d1c) }
        printf "%-8s %-30s %-12s %7s %7.1f | %8s %8.1f %8.1f | %8s %8.1f | %7s %7.0f | %7s %7.1f | %6s %6s %6s | %s\n",
            t, enc, c, fmb, mb, ts, d * 1000, d1 * 1000, tcs, d1c * 1000, tmbs, mb / d1c, tmr, n / d1c / 1e6, r, r1, rc, chk }'
done
for n in "${notes[@]+"${notes[@]}"}"; do echo "note: $n"; done
