#!/usr/bin/env bash
# bench/run.sh -- tarn vs DuckDB on the same Parquet files, same queries, same machine, same run.
#
#   bench/run.sh [--sizes "100000 10000000"] [--runs 3]
#
# Builds tarn (Release), installs @duckdb/node-api into bench/node_modules, generates a 10-column
# table with tarn itself (range + COPY TO, ZSTD) at each size, then times each query (best of N
# after a warm-up, full result fetched through each engine's API) and prints the table with the
# ratio tarn/DuckDB (< 1 means tarn is faster). DuckDB is measured with its default thread count
# and with threads=1 (tarn executes on one thread today).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="100000 10000000"
RUNS=3
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        *) echo "usage: $0 [--sizes \"N ...\"] [--runs R]" >&2; exit 2 ;;
    esac
done

./scripts/install-deps.sh >/dev/null
./scripts/build.sh release >/dev/null || cmake --build build-release --target tarn tarn_bench >/dev/null
TARN=./build-release/tarn
BENCH=./build-release/tarn_bench
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
    echo "installing @duckdb/node-api (npm) ..."
    (cd bench && npm install --no-audit --no-fund --silent @duckdb/node-api >/dev/null)
fi
mkdir -p bench/data

QNAMES=("filter 5% (all columns)" "projection 2 columns" "full scan" "count(*)" "group by low-card string, sum/avg" "filter+group+having+order+limit")
queries_for() {
    local f=$1
    Q=("SELECT * FROM '$f' WHERE quantity < 5"
       "SELECT id, amount FROM '$f'"
       "SELECT * FROM '$f'"
       "SELECT count(*) FROM '$f'"
       "SELECT category, sum(amount), avg(price) FROM '$f' GROUP BY category"
       "SELECT customer, sum(amount) AS s, count(*) AS c FROM '$f' WHERE flag AND price > 10 GROUP BY customer HAVING count(*) > 2 ORDER BY s DESC LIMIT 10")
}

printf "%-10s %-38s %10s %10s %10s %9s %9s\n" rows query "tarn s" "duckdb s" "duck1t s" "ratio" "ratio1t"
for n in $SIZES; do
    f=bench/data/t_$n.parquet
    if [ ! -f "$f" ]; then
        $TARN -c "COPY (SELECT range AS id,
              CASE range % 8 WHEN 0 THEN 'alpha' WHEN 1 THEN 'bravo' WHEN 2 THEN 'charlie' WHEN 3 THEN 'delta'
                             WHEN 4 THEN 'echo' WHEN 5 THEN 'foxtrot' WHEN 6 THEN 'golf' ELSE 'hotel' END AS category,
              CAST(((range * 7919) % 1000000) * 0.01 AS DECIMAL(12,2)) AS amount,
              CAST((range * 31) % 100 AS INTEGER) AS quantity,
              CAST((range * 104729) % 10007 AS DOUBLE) / 100.0 AS price,
              (range % 3) = 0 AS flag,
              DATE '2020-01-01' + CAST(range % 1500 AS INTEGER) AS sold_on,
              'cust_' || CAST((range * 2654435761) % 100000 AS VARCHAR) AS customer,
              CAST((range * 48271) % 2147483647 AS DOUBLE) / 2147483647.0 AS score,
              CAST(range % 50 AS INTEGER) AS region
            FROM range($n)) TO '$f' (FORMAT parquet, COMPRESSION zstd)" >/dev/null
    fi
    queries_for "$f"
    mapfile -t T < <($BENCH -r "$RUNS" "${Q[@]}")
    mapfile -t D < <(node bench/duckdb_bench.mjs default "$RUNS" "${Q[@]}")
    mapfile -t D1 < <(node bench/duckdb_bench.mjs 1 "$RUNS" "${Q[@]}")
    for i in "${!Q[@]}"; do
        t=$(echo "${T[$i]}" | cut -f2); tr=$(echo "${T[$i]}" | cut -f4)
        d=$(echo "${D[$i]}" | cut -f2); dr=$(echo "${D[$i]}" | cut -f4)
        d1=$(echo "${D1[$i]}" | cut -f2)
        [ "$tr" = "$dr" ] || echo "WARNING: row counts differ for query $i at $n rows: tarn $tr, duckdb $dr" >&2
        printf "%-10s %-38s %10.4f %10.4f %10.4f %9.2f %9.2f\n" "$n" "${QNAMES[$i]}" "$t" "$d" "$d1" \
            "$(awk -v a="$t" -v b="$d" 'BEGIN{print a/b}')" "$(awk -v a="$t" -v b="$d1" 'BEGIN{print a/b}')"
    done
done
