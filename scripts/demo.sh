#!/usr/bin/env bash
# demo.sh -- generate demo-data/sales.parquet (1,000,000 rows) with tarn (range + COPY TO) and run
# a handful of analytic queries over it, printing results and timings.
set -euo pipefail
cd "$(dirname "$0")/.."
TARN=./build/tarn
mkdir -p demo-data
echo "== generating demo-data/sales.parquet with tarn =="
$TARN -c ".timer on" -c "
COPY (
  SELECT range AS id,
         CASE range % 5 WHEN 0 THEN 'books' WHEN 1 THEN 'games' WHEN 2 THEN 'music'
                        WHEN 3 THEN 'garden' ELSE 'tools' END AS category,
         CAST(((range * 7919) % 100000) * 0.01 AS DECIMAL(12,2)) AS amount,
         CAST((range * 31) % 97 AS INTEGER) AS quantity,
         DATE '2024-01-01' + CAST(range % 366 AS INTEGER) AS sold_on,
         'customer_' || CAST(range % 5000 AS VARCHAR) AS customer
  FROM range(1000000)
) TO 'demo-data/sales.parquet' (FORMAT parquet, COMPRESSION zstd);"
echo
echo "== querying it =="
$TARN -c ".timer on" \
  -c "DESCRIBE 'demo-data/sales.parquet';" \
  -c "SELECT count(*) AS rows, sum(amount) AS revenue, avg(quantity) AS avg_qty FROM 'demo-data/sales.parquet';" \
  -c "SELECT category, count(*), avg(amount) FROM 'demo-data/sales.parquet' GROUP BY 1 ORDER BY 2 DESC;" \
  -c "SELECT date_trunc('month', sold_on) AS month, sum(amount) AS revenue FROM 'demo-data/sales.parquet' GROUP BY 1 ORDER BY 1 LIMIT 6;" \
  -c "SELECT customer, sum(amount) AS spent FROM 'demo-data/sales.parquet' WHERE quantity > 90 GROUP BY customer HAVING count(*) > 5 ORDER BY spent DESC LIMIT 5;" \
  -c "EXPLAIN SELECT id, amount FROM 'demo-data/sales.parquet' WHERE id < 1000;"
