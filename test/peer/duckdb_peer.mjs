// duckdb_peer.mjs -- run SQL on DuckDB (@duckdb/node-api) for tarn's peer tests.
// usage: node duckdb_peer.mjs exec "SQL"        (run statements, print nothing)
//        node duckdb_peer.mjs json "SQL"        (print the result as a JSON array of row objects)
// Values are converted to JSON-friendly forms: bigint -> number if safe else string, decimals ->
// number, dates/timestamps -> their string form.
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, sql] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run("SET TimeZone='UTC'");
if (mode === 'exec') {
  await con.run(sql);
} else {
  const reader = await con.runAndReadAll(sql);
  const rows = reader.getRowObjectsJson();
  console.log(JSON.stringify(rows));
}
