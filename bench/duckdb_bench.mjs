// duckdb_bench.mjs -- times the same queries on DuckDB (@duckdb/node-api) for comparison with tarn.
// usage: node duckdb_bench.mjs <threads|default> <runs> QUERY...
// Each run streams the result and fetches every chunk (materialised in DuckDB's C++ vectors).
// Prints: <index>\t<best seconds>\t<median seconds>\t<rows>
import { DuckDBInstance } from '@duckdb/node-api';

const [threads, runsArg, ...queries] = process.argv.slice(2);
const runs = Math.max(1, parseInt(runsArg, 10) || 3);
const opts = threads && threads !== 'default' ? { threads: String(threads) } : {};
const instance = await DuckDBInstance.create(':memory:', opts);
const con = await instance.connect();

async function runOnce(sql) {
  const result = await con.stream(sql);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    rows += chunk.rowCount;
  }
  return rows;
}

for (let q = 0; q < queries.length; q++) {
  await runOnce(queries[q]); // warm-up
  const times = [];
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    rows = await runOnce(queries[q]);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  console.log(`${q}\t${times[0].toFixed(6)}\t${times[Math.floor(runs / 2)].toFixed(6)}\t${rows}`);
}
