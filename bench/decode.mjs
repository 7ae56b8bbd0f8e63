// decode.mjs -- DuckDB (@duckdb/node-api) side of bench/decode.sh: writes the benchmark files and
// describes them.
// usage: node decode.mjs exec "SQL"             run statements (COPY ... TO for file generation)
//        node decode.mjs layout FILE...         one line per file: <file>\t<encodings of column x over all
//                                               row groups, sorted, comma-separated>\t<codecs>\t<rows>\t<row groups>
//        node decode.mjs tsv "SQL"              the result as tab-separated lines (values CAST to VARCHAR
//                                               by the caller when exact text matters)
//        node decode.mjs time THREADS RUNS SQL...
//                                               per query, after one warm-up, RUNS timed runs (every
//                                               result chunk fetched): <index>\t<best wall s>\t<mean CPU s>
//                                               (CPU = user+system time of the whole process during the
//                                               run: all DuckDB threads; robust against other load when
//                                               THREADS is 1). THREADS is a number or "default".
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, ...rest] = process.argv.slice(2);
const threads = mode === 'time' && rest[0] !== 'default' ? { threads: String(rest[0]) } : {};
const instance = await DuckDBInstance.create(':memory:', threads);
const con = await instance.connect();
await con.run("SET TimeZone='UTC'");
const q = s => "'" + s.replace(/'/g, "''") + "'";

if (mode === 'exec') {
  for (const sql of rest) await con.run(sql);
} else if (mode === 'layout') {
  for (const f of rest) {
    const rows = (await con.runAndReadAll(
      `SELECT string_agg(DISTINCT trim(e), ',' ORDER BY trim(e)), string_agg(DISTINCT compression, ','), count(DISTINCT row_group_id)
         FROM (SELECT unnest(string_split(encodings, ',')) AS e, compression, row_group_id
                 FROM parquet_metadata(${q(f)}) WHERE path_in_schema = 'x')`)).getRows();
    const [enc, codec, nrg] = rows[0];
    const n = (await con.runAndReadAll(`SELECT num_rows FROM parquet_file_metadata(${q(f)})`)).getRows()[0][0];
    console.log([f, enc, codec, String(n), String(nrg)].join('\t'));
  }
} else if (mode === 'tsv') {
  const rows = (await con.runAndReadAll(rest[0])).getRows();
  for (const r of rows) console.log(r.map(v => (v === null ? 'NULL' : String(v))).join('\t'));
} else if (mode === 'time') {
  const runs = Math.max(1, parseInt(rest[1], 10) || 3);
  const once = async sql => {
    const result = await con.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
    }
  };
  for (const [i, sql] of rest.slice(2).entries()) {
    await once(sql);
    let wall = Infinity, cpu = 0;
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
      await once(sql);
      const t = Number(process.hrtime.bigint() - t0) / 1e9, c = process.cpuUsage(c0);
      wall = Math.min(wall, t);
      cpu += (c.user + c.system) / 1e6 / runs;
    }
    console.log(`${i}\t${wall.toFixed(6)}\t${cpu.toFixed(6)}`);
  }
} else {
  console.error('usage: node decode.mjs exec SQL... | layout FILE... | tsv SQL | time THREADS RUNS SQL...');
  process.exit(2);
}
