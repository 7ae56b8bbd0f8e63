// interop_matrix.mjs -- Parquet interoperability matrix between tarn and DuckDB (@duckdb/node-api).
//
// usage: node interop_matrix.mjs TARN_BINARY SCRATCH_DIR [--quick] [--verbose]
//
// One deterministic table (id + one column per type, each with edge values in its first rows, NULLs
// at id % 11 = 5 and a formula elsewhere; the same SQL text runs in both engines) is written:
//   (a) by tarn (COPY ... TO, per codec x page version x dictionary) and read back by DuckDB, which
//       compares every value with its own evaluation of the generating SQL (both sides rendered by
//       DuckDB's CAST(... AS VARCHAR), so the comparison is exact);
//   (b) by DuckDB (its own COPY with the same codec/version/dictionary choice) and read by tarn,
//       whose CAST(... AS VARCHAR) output is compared with DuckDB's reading of the same file
//       (floats by bit pattern: -0.0 != 0.0, NaN == NaN; everything else as text).
//   (a'/b') statistics and filter pushdown, for the zstd cells: predicates (= < > on edge and
//       sampled values, IS NULL) counted by the reading engine with WHERE (row groups pruned by the
//       file's statistics) and with sum(CASE WHEN ...) over all rows must agree.
// Page version v2 and dictionary-off for tarn are probed (option accepted AND visible in the page
// headers written); an unsupported axis is skipped with a printed note. Nested columns
// (LIST/STRUCT/MAP) are probed the same way (tarn's side copies them from a DuckDB-written file).
// The generating SQL itself is first evaluated by tarn and compared with DuckDB, so a difference in
// tarn's SQL evaluation is reported as such and not as a Parquet fault. Values a Parquet type cannot
// hold may be refused by tarn with a clear error (accepted, noted); a type tarn cannot write yet is
// noted and skipped.
// Prints the matrices (per type x cell: '.' pass, 'F' fail, '-' skipped), the encodings and page
// kinds each side produced, notes, and every failing cell's first differing value; exits 1 on any
// failure. --quick: codecs uncompressed and zstd only; --verbose: all failures and DuckDB timings.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const TARN = args[0];
const TMP = args[1];
const QUICK = args.includes('--quick');
const VERBOSE = args.includes('--verbose');
if (!TARN || !TMP) {
  console.error('usage: node interop_matrix.mjs TARN_BINARY SCRATCH_DIR [--quick] [--verbose]');
  process.exit(2);
}
fs.mkdirSync(TMP, { recursive: true });

const N = 6000;            // rows per file
const RG = 2048;           // ROW_GROUP_SIZE (so files have 3 row groups, the last partial)
const CODECS = QUICK ? ['uncompressed', 'zstd'] : ['uncompressed', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4_raw'];
const CODEC_TAG = { uncompressed: 'U', snappy: 'S', gzip: 'G', zstd: 'Z', brotli: 'B', lz4_raw: 'L' };

// ---------------------------------------------------------------------------------------------
// The table. specials: edge values for the first rows (a string is a literal CAST to the type,
// {sql} is raw SQL, null is NULL); formula: SQL over `range` for the other rows (cast to the type).
// tarn: the type name in tarn's SQL (null = tarn has no such type, so it cannot write the column).
// kind: 'f32'/'f64' compare by bit pattern, otherwise text.
const ts = (frac, suffix = '') =>
  `CAST(1900 + range % 300 AS VARCHAR) || '-' || lpad(CAST(1 + range % 12 AS VARCHAR), 2, '0') || '-' ||
   lpad(CAST(1 + range * 7 % 28 AS VARCHAR), 2, '0') || ' ' || lpad(CAST(range % 24 AS VARCHAR), 2, '0') || ':' ||
   lpad(CAST(range * 7 % 60 AS VARCHAR), 2, '0') || ':' || lpad(CAST(range * 13 % 60 AS VARCHAR), 2, '0')` +
  (frac ? ` || '.' || lpad(CAST(range * 7919 % ${10 ** frac} AS VARCHAR), ${frac}, '0')` : '') +
  (suffix ? ` || '${suffix}'` : '');

const COLS = [
  { name: 'bool', type: 'BOOLEAN', specials: ['true', 'false', null], formula: 'range % 3 = 0' },
  { name: 'tinyint', type: 'TINYINT', specials: ['-128', '127', '0', '-1', null], formula: 'range * 37 % 256 - 128' },
  { name: 'smallint', type: 'SMALLINT', specials: ['-32768', '32767', '0', null], formula: 'range * 7919 % 65536 - 32768' },
  { name: 'integer', type: 'INTEGER', specials: ['-2147483648', '2147483647', '0', null],
    formula: 'range * 2654435761 % 4294967296 - 2147483648' },
  { name: 'bigint', type: 'BIGINT', specials: ['-9223372036854775808', '9223372036854775807', '0', '-1', null],
    formula: 'range * 2654435761 % 4294967296 * 2147483648 - 4611686018427387904' },
  { name: 'utinyint', type: 'UTINYINT', specials: ['0', '255', '128', null], formula: 'range * 37 % 256' },
  { name: 'usmallint', type: 'USMALLINT', specials: ['0', '65535', '32768', null], formula: 'range * 7919 % 65536' },
  { name: 'uinteger', type: 'UINTEGER', specials: ['0', '4294967295', '2147483648', null],
    formula: 'range * 2654435761 % 4294967296' },
  { name: 'ubigint', type: 'UBIGINT', specials: ['0', '18446744073709551615', '9223372036854775808', null],
    formula: "CAST(range * 2654435761 % 4294967296 * 2147483648 AS UBIGINT) + CAST('9223372036854775807' AS UBIGINT)" },
  // hugeint: values that fit DECIMAL(38,0) (tarn writes HUGEINT as that); hugeint_ext: the full
  // HUGEINT range, whose 39-digit extremes a DECIMAL(38,0) column cannot hold.
  { name: 'hugeint', type: 'HUGEINT',
    specials: ['-99999999999999999999999999999999999999', '99999999999999999999999999999999999999', '0', '-1',
      '18446744073709551616', '-9223372036854775809', null],
    formula: "CAST(range * 2654435761 % 4294967296 - 2147483648 AS HUGEINT) * CAST('1000000000000000000000' AS HUGEINT) + CAST(range AS HUGEINT)" },
  { name: 'hugeint_ext', type: 'HUGEINT',
    specials: ['-170141183460469231731687303715884105728', '170141183460469231731687303715884105727',
      '-100000000000000000000000000000000000000', '100000000000000000000000000000000000000', null],
    formula: 'CAST(range AS HUGEINT)', ownFile: true, mayRefuse: /out of (the )?range|does not fit|overflow|cannot be represented/i },
  { name: 'float', type: 'FLOAT', kind: 'f32',
    specials: ['nan', 'inf', '-inf', '-0.0', '0.0', '1e-45', '3.4028235e38', '1.1754944e-38', '0.1', null],
    formula: 'CAST(CAST(range AS DOUBLE) / CAST(7 AS DOUBLE) - CAST(400 AS DOUBLE) AS FLOAT)' },
  { name: 'double', type: 'DOUBLE', kind: 'f64',
    specials: ['nan', 'inf', '-inf', '-0.0', '0.0', '5e-324', '1.7976931348623157e308', '2.2250738585072014e-308',
      '0.1', null],
    formula: 'CAST(range AS DOUBLE) / CAST(7 AS DOUBLE) - CAST(400 AS DOUBLE)' },
  { name: 'dec4_2', type: 'DECIMAL(4,2)', specials: ['-99.99', '99.99', '0.00', '-0.01', '0.01', null],
    formula: "CAST(range * 37 % 199 - 99 AS VARCHAR) || '.' || CAST(10 + range % 90 AS VARCHAR)" },
  { name: 'dec18_6', type: 'DECIMAL(18,6)',
    specials: ['-999999999999.999999', '999999999999.999999', '0', '-0.000001', null],
    formula: "CAST(range * 7919 * 7919 % 1999999999999 - 999999999999 AS VARCHAR) || '.' || CAST(100000 + range * 37 % 900000 AS VARCHAR)" },
  { name: 'dec38_10', type: 'DECIMAL(38,10)',
    specials: ['-9999999999999999999999999999.9999999999', '9999999999999999999999999999.9999999999', '0',
      '-0.0000000001', '18446744073709551616.0000000001', null],
    formula: "CASE WHEN range % 2 = 0 THEN '-' ELSE '' END || CAST(range * 7919 % 99999 AS VARCHAR) || '1234567890123456789012' || '.' || CAST(1000000000 + range * 7 % 9000000000 AS VARCHAR)" },
  { name: 'date', type: 'DATE',
    specials: ['1970-01-01', '1969-12-31', '0001-01-01', '9999-12-31', '2000-02-29', '5877642-06-25',
      '5877641-06-25 (BC)', '4714-11-24 (BC)', null],
    formula: "DATE '1970-01-01' + CAST(range * 7919 % 400000 - 200000 AS INTEGER)" },
  { name: 'time', type: 'TIME', specials: ['00:00:00', '23:59:59.999999', '12:00:00.000001', '24:00:00', null],
    formula: "lpad(CAST(range % 24 AS VARCHAR), 2, '0') || ':' || lpad(CAST(range * 7 % 60 AS VARCHAR), 2, '0') || ':' || lpad(CAST(range * 13 % 60 AS VARCHAR), 2, '0') || '.' || lpad(CAST(range * 7919 % 1000000 AS VARCHAR), 6, '0')" },
  { name: 'timestamp_s', type: 'TIMESTAMP_S', tarn: null,
    specials: ['1970-01-01 00:00:00', '1969-12-31 23:59:59', '0001-01-01 00:00:00', '9999-12-31 23:59:59', null],
    formula: ts(0) },
  { name: 'timestamp_ms', type: 'TIMESTAMP_MS',
    specials: ['1970-01-01 00:00:00', '1969-12-31 23:59:59.999', '0001-01-01 00:00:00', '9999-12-31 23:59:59.999', null],
    formula: ts(3) },
  { name: 'timestamp_us', type: 'TIMESTAMP',
    specials: ['1970-01-01 00:00:00', '1969-12-31 23:59:59.999999', '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999',
      '2000-02-29 12:00:00.5', null],
    formula: ts(6) },
  { name: 'timestamp_ns', type: 'TIMESTAMP_NS',
    specials: ['1970-01-01 00:00:00', '1969-12-31 23:59:59.999999999', '1677-09-22 00:00:00',
      '2262-04-11 23:47:16.854775806', null],
    formula: ts(9) },
  { name: 'timestamptz', type: 'TIMESTAMPTZ',
    specials: ['1970-01-01 00:00:00+00', '1969-12-31 23:59:59.999999+00', '0001-01-01 00:00:00+00',
      '9999-12-31 23:59:59.999999+00', null],
    formula: ts(6, '+00') },
  { name: 'varchar', type: 'VARCHAR',
    specials: ['', 'héllo wörld', '日本語テキスト', '😀🎉 emoji', "it's", 'tab\there', 'line1\nline2', 'NULL', ' ', null],
    formula: "'v' || CAST(range * 7919 % 300 AS VARCHAR)" },
  { name: 'varchar_long', type: 'VARCHAR',
    specials: [{ sql: "repeat('abcdefghij', 20000)" }, { sql: "repeat('é', 50000)" }, '', null],
    formula: "CASE WHEN range % 13 = 3 AND range < 2048 THEN repeat('L', 5000 + range) ELSE CAST(range AS VARCHAR) || repeat('z', range % 40) END",
    // (b) only: fewer long values (DuckDB's brotli runs at quality 11 and takes seconds per MB; the
    // >1 MiB chunk above is there to make tarn's writer split pages and fall back from dictionary)
    formulaB: "CASE WHEN range % 97 = 3 THEN repeat('L', 5000 + range) ELSE CAST(range AS VARCHAR) || repeat('z', range % 40) END" },
  { name: 'const_str', type: 'VARCHAR', specials: [], formula: "'same'" },
  { name: 'blob', type: 'BLOB', specials: ['', '\\x00', '\\x00\\xFF\\x80abc', '\\xFF\\xFF', null],
    formula: "'b' || CAST(range % 50 AS VARCHAR)" },
  { name: 'uuid', type: 'UUID',
    specials: ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '80000000-0000-0000-0000-000000000000', '7fffffff-ffff-ffff-ffff-ffffffffffff', null],
    formula: "lpad(CAST(range * 7919 % 100000000 AS VARCHAR), 8, '0') || '-1234-5678-9abc-' || lpad(CAST(range AS VARCHAR), 12, '0')" },
  { name: 'all_null', type: 'INTEGER', specials: [], formula: 'NULL' },
  // Parquet INTERVAL is (months, days, milliseconds) as unsigned 32-bit integers (LogicalTypes.md):
  // sub-millisecond parts are lost on writing; negative parts are outside the type (DuckDB refuses them).
  { name: 'interval', type: 'INTERVAL', ownFile: true,
    specials: ['00:00:00', '1 month', '1 year 2 months 3 days 04:05:06.789', '00:00:00.001', '00:00:00.000001', null],
    formula: "CAST(range % 13 AS VARCHAR) || ' months ' || CAST(range % 29 AS VARCHAR) || ' days ' || CAST(range * 7919 % 86400000 AS VARCHAR) || ' milliseconds'" },
  { name: 'json', type: 'JSON', specials: ['{}', '[]', '{"a": [1, null, "é"]}', 'null', '"x"', null],
    formula: `'{"k": ' || CAST(range % 100 AS VARCHAR) || '}'` },
  { name: 'enum', type: "ENUM('red', 'green', 'blue')", tarn: null, specials: ['red', 'blue', null],
    formula: "CASE range % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'green' ELSE 'blue' END" },
];
for (const c of COLS) if (!('tarn' in c)) c.tarn = c.type;

const q = s => "'" + s.replace(/'/g, "''") + "'";
function colExpr(c, type, formula = c.formula) {
  const arms = c.specials.map((s, i) =>
    `WHEN ${i} THEN ${s === null ? `CAST(NULL AS ${type})` : typeof s === 'object' ? `CAST(${s.sql} AS ${type})` : `CAST(${q(s)} AS ${type})`}`);
  const tail = `WHEN range % 11 = 5 THEN CAST(NULL AS ${type}) ELSE CAST(${formula} AS ${type}) END`;
  return arms.length ? `CASE WHEN range < ${arms.length} THEN CASE range ${arms.join(' ')} END ${tail}` : `CASE ${tail}`;
}
const genSql = (cols, eng) => `SELECT range AS id, ${cols.map(c =>
  `${colExpr(c, eng === 'tarn' ? c.tarn : c.type, eng === 'duckB' && c.formulaB ? c.formulaB : c.formula)} AS ${c.name}`).join(', ')} FROM range(${N})`;

// Nested columns (DuckDB generates them; tarn can only copy them from a file).
const NESTED = [
  { name: 'list_int', sql: "CASE WHEN range % 11 = 5 THEN NULL WHEN range % 13 = 0 THEN []::INTEGER[] ELSE [CAST(range AS INTEGER), NULL, CAST(range * 7 % 100 AS INTEGER)] END" },
  { name: 'list_str', sql: "CASE WHEN range % 17 = 4 THEN NULL ELSE ['a' || CAST(range % 10 AS VARCHAR), '', NULL, 'é'] END" },
  { name: 'list_list', sql: "CASE WHEN range % 7 = 1 THEN NULL ELSE [[CAST(range AS BIGINT)], [], NULL, [1, 2]] END" },
  { name: 'struct', sql: "CASE WHEN range % 9 = 2 THEN NULL ELSE {'a': CAST(range AS INTEGER), 'b': CASE WHEN range % 4 = 0 THEN NULL ELSE 's' || CAST(range AS VARCHAR) END} END" },
  { name: 'struct_nested', sql: "{'x': [CAST(range AS DOUBLE) / 4, NULL], 'y': {'z': CASE WHEN range % 3 = 0 THEN NULL ELSE CAST(range AS DATE) END}}" },
  { name: 'map', sql: "CASE WHEN range % 10 = 3 THEN NULL ELSE MAP {'k' || CAST(range % 5 AS VARCHAR): CAST(range AS INTEGER), 'z': NULL} END" },
  { name: 'list_struct', sql: "[{'p': CAST(range AS INTEGER), 'q': 'x'}, NULL, {'p': NULL, 'q': NULL}]" },
];
const nestedSql = () => `SELECT range AS id, ${NESTED.map(c => `${c.sql.replace(/CAST\(range AS DATE\)/g, "DATE '2000-01-01' + CAST(range AS INTEGER)")} AS ${c.name}`).join(', ')} FROM range(${N})`;

// ---------------------------------------------------------------------------------------------
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
await con.run("SET TimeZone='UTC'");
let duckMs = 0, duckCalls = 0;
const duckStats = new Map();
const duckRows = async sql => {
  const t = Date.now();
  try { return (await con.runAndReadAll(sql)).getRows(); } finally {
    const k = sql.slice(0, 20); duckStats.set(k, (duckStats.get(k) || 0) + Date.now() - t);
    duckMs += Date.now() - t; duckCalls++;
  }
};
async function duckTry(sql) {
  try { return { ok: true, rows: await duckRows(sql) }; } catch (e) { return { ok: false, err: String(e.message || e).split('\n')[0] }; }
}

// The informative line of a failed run's stderr (tarn's "Error: ..." or a sanitizer's "ERROR: ...").
function errLine(r) {
  const lines = ((r.stderr || '') + (r.error ? '\n' + String(r.error) : '')).split('\n').map(l => l.trim()).filter(Boolean);
  const l = lines.find(x => /error/i.test(x)) || lines.find(x => !/^=+$/.test(x));
  return (l || `exit status ${r.status}, signal ${r.signal}`).slice(0, 300);
}
let tarnMs = 0, tarnCalls = 0;
function tarn(sql) {
  const t = Date.now();
  try { return tarnRun(sql); } finally { tarnMs += Date.now() - t; tarnCalls++; }
}
function tarnRun(sql) {
  const r = spawnSync(TARN, ['-json', '-c', sql], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) return { ok: false, err: errLine(r) };
  try { return { ok: true, rows: r.stdout.trim() ? JSON.parse(r.stdout) : [] }; } catch (e) { return { ok: false, err: 'unparsable -json output: ' + e.message }; }
}

// Run statements through tarn's stdin (tarn stops at the first failing statement: the failure is
// recorded and the rest re-run). Returns one {ok, rows} | {ok: false, err} per statement; each
// statement must produce a one-line JSON result (counts).
function tarnBatch(stmts) {
  const res = [];
  let i = 0;
  while (i < stmts.length) {
    const t = Date.now();
    const r = spawnSync(TARN, ['-json'], { input: stmts.slice(i).map(x => x + ';\n').join(''), encoding: 'utf8', maxBuffer: 1 << 28 });
    tarnMs += Date.now() - t; tarnCalls++;
    const lines = (r.stdout || '').split('\n').filter(l => l.startsWith('['));
    for (const l of lines) {
      try { res.push({ ok: true, rows: JSON.parse(l) }); } catch (e) { res.push({ ok: false, err: 'unparsable output' }); }
      i++;
    }
    if (r.status !== 0 && i < stmts.length) {
      res.push({ ok: false, err: errLine(r) });
      i++;
    } else if (r.status === 0 && lines.length === 0) break;
  }
  while (res.length < stmts.length) res.push({ ok: false, err: 'no output' });
  return res;
}

// Values as text keyed by id: Map col -> array[N] of string|null.
const render = cols => cols.map(c => `CAST(${c.name} AS VARCHAR) AS ${c.name}`).join(', ');
function fromDuck(rows, cols) {
  const out = {};
  cols.forEach(c => { out[c.name] = new Array(N).fill(undefined); });
  for (const r of rows) { const id = Number(r[0]); cols.forEach((c, i) => { out[c.name][id] = r[i + 1]; }); }
  cols.forEach(c => { out[c.name].nrows = rows.length; });
  return out;
}
function fromTarn(rows, cols) {
  const out = {};
  cols.forEach(c => { out[c.name] = new Array(N).fill(undefined); });
  for (const r of rows) { const id = Number(r.id); cols.forEach(c => { out[c.name][id] = r[c.name]; }); }
  cols.forEach(c => { out[c.name].nrows = rows.length; });
  return out;
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
function parseFloatText(s) {
  const t = s.toLowerCase();
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return Number(s);
}
function sameValue(kind, a, b) {
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  if (kind === 'f64' || kind === 'f32') {
    let x = parseFloatText(a), y = parseFloatText(b);
    if (Number.isNaN(x) && Number.isNaN(y)) return true;
    if (kind === 'f32') { f32[0] = x; const bx = u32[0]; f32[0] = y; return bx === u32[0]; }
    f64[0] = x; const bx = u64[0]; f64[0] = y; return bx === u64[0];
  }
  if (kind === 'nested' && a !== b && unquoteNested(a) === b) {
    if (renderNotes.size < 1) renderNotes.add(`DuckDB ${JSON.stringify(a)} vs tarn ${JSON.stringify(b)}`);
    return true;
  }
  return a === b;
}
// DuckDB quotes string scalars inside LIST/STRUCT/MAP text when they are empty, 'NULL' or contain
// separators ([a, '', 'a,b']); struct keys are always quoted ({'a': 1}). unquoteNested removes the
// quotes of scalar values (keeping keys), so that a renderer that does not quote compares equal when
// the values are equal; such cells pass and the rendering difference is reported as a note.
function unquoteNested(s) {
  let out = '';
  for (let i = 0; i < s.length;) {
    const prev = out.trimEnd().slice(-1);
    if (s[i] === "'" && (out.length === 0 || '[{,:='.includes(prev))) {
      let j = i + 1, content = '';
      while (j < s.length) {
        if (s[j] === "'" && s[j + 1] === "'") { content += "'"; j += 2; continue; }
        if (s[j] === '\\' && j + 1 < s.length) { content += s[j + 1]; j += 2; continue; }
        if (s[j] === "'") break;
        content += s[j++];
      }
      const isKey = s.startsWith(': ', j + 1);
      out += isKey ? s.slice(i, j + 1) : content;
      i = j + 1;
    } else out += s[i++];
  }
  return out;
}
const renderNotes = new Set();
const show = v => v === undefined ? '<missing row>' : v === null ? 'NULL' : v.length > 80 ? JSON.stringify(v.slice(0, 60)) + `... (${v.length} chars)` : JSON.stringify(v);
// First difference of column c between expected and got, or null.
function diff(c, exp, got) {
  if (got.nrows !== undefined && got.nrows !== N) return `${got.nrows} rows read, expected ${N}`;
  for (let i = 0; i < N; i++)
    if (!sameValue(c.kind, exp[i], got[i])) return `id ${i}: expected ${show(exp[i])}, got ${show(got[i])}`;
  return null;
}

// The comparator must be able to fail: bit-level float rules and text rules, checked up front.
const SELF_CHECK = [
  ['f64', '-0.0', '0.0', false], ['f64', 'nan', 'nan', true], ['f64', '0.1', '0.10000000000000002', false],
  ['f32', '1e-45', '1.401298464324817e-45', true], ['f64', '1e-45', '1.401298464324817e-45', false],
  ['f32', '0.1', '0.10000000149011612', true], ['f32', '0.1', '0.10000001', false],
  ['f32', '-inf', '-inf', true], ['f32', 'inf', '-inf', false], ['text', 'a', 'a ', false], ['text', null, '', false],
  ['nested', "[a, '', 'x,y', NULL]", '[a, , x,y, NULL]', true], ['nested', "{'a': ''}", "{'a': }", true],
  ['nested', "{'a': 1}", '{a: 1}', false], ['nested', '[1, 2]', '[1, 3]', false],
];
for (const [kind, a, b, want] of SELF_CHECK) {
  if (sameValue(kind, a, b) !== want) { console.error(`comparator self-check failed: ${kind} ${a} vs ${b}`); process.exit(1); }
}
renderNotes.clear();

// Page headers (Thrift compact protocol): walk every page of a column chunk and return the page
// types (0 DATA_PAGE, 2 DICTIONARY_PAGE, 3 DATA_PAGE_V2); PageHeader fields 1 type, 3
// compressed_page_size are read, the rest skipped.
function readPageTypes(fd, start, total) {
  const types = [];
  let off = start;
  const end = start + total;
  let win = 4096;
  while (off < end && types.length < 100000) {
    const buf = Buffer.alloc(Math.min(win, end - off + 16));
    const n = fs.readSync(fd, buf, 0, buf.length, off);
    let p = 0;
    const byte = () => { if (p >= n) throw new Error('page header beyond read window'); return buf[p++]; };
    const varint = () => { let v = 0n, sh = 0n, b; do { b = byte(); v |= BigInt(b & 0x7f) << sh; sh += 7n; } while (b & 0x80); return v; };
    const zz = () => { const v = varint(); return Number((v >> 1n) ^ -(v & 1n)); };
    const skip = t => {
      switch (t) {
        case 1: case 2: return;
        case 3: byte(); return;
        case 4: case 5: case 6: varint(); return;
        case 7: p += 8; return;
        case 8: { const len = Number(varint()); p += len; return; }
        case 9: case 10: { const h = byte(); let sz = h >> 4; if (sz === 15) sz = Number(varint()); for (let i = 0; i < sz; i++) skip((h & 15) === 1 ? 3 : h & 15); return; }
        case 11: { const sz = Number(varint()); if (sz) { const kv = byte(); for (let i = 0; i < sz; i++) { skip(kv >> 4); skip(kv & 15); } } return; }
        case 12: struct(() => {}); return;
        default: throw new Error('bad thrift type ' + t);
      }
    };
    const struct = onField => {
      let id = 0;
      for (;;) {
        const h = byte();
        if (h === 0) return;
        id = h >> 4 ? id + (h >> 4) : zz();
        if (!onField(id, h & 15)) skip(h & 15);
      }
    };
    let type = -1, csize = 0;
    try {
      struct((id, t) => {
        if (id === 1 && t === 5) { type = zz(); return true; }
        if (id === 3 && t === 5) { csize = zz(); return true; }
        return false;
      });
    } catch (e) {
      // A header with large statistics may not fit the window: retry with a larger one.
      if (/window/.test(e.message) && win < (1 << 26) && n === buf.length) { win *= 8; continue; }
      throw e;
    }
    types.push(type);
    off += p + csize;
  }
  return types;
}
// Per column chunk of row group 0: encodings, whether a dictionary page exists, page types.
async function fileLayout(file) {
  let rows;
  try {
    rows = await duckRows(`SELECT path_in_schema, encodings, dictionary_page_offset, data_page_offset, total_compressed_size
        FROM parquet_metadata(${q(file)}) WHERE row_group_id = 0`);
  } catch { return []; }
  const fd = fs.openSync(file, 'r');
  try {
    return rows.map(r => {
      const start = Number(r[2] ?? r[3]);
      let pages = [];
      try { pages = readPageTypes(fd, start, Number(r[4])); } catch (e) { pages = [-1]; }
      const data = pages.filter(t => t !== 2);
      return { col: String(r[0]), enc: String(r[1]), dict: r[2] !== null || pages.includes(2), pages: data,
        page: data.length ? data[0] : -1 };
    });
  } finally { fs.closeSync(fd); }
}
const pageDesc = x => `${x.pages.every(t => t === 3) ? 'v2' : x.pages.every(t => t === 0) ? 'v1' : 'mixed'}x${x.pages.length}`;

// ---------------------------------------------------------------------------------------------
const notes = [];
const WRITE_GAP = /cannot be written to Parquet yet|not supported yet/i;
const noteOnce = n => { if (!notes.includes(n)) notes.push(n); };
const failures = [];   // {dir, type, cell, msg}
const matrix = { a: new Map(), b: new Map(), fa: new Map(), fb: new Map() };   // dir -> type -> Map(cell -> '.', 'F', '-')
const typeInfo = { a: new Map(), b: new Map() }; // type as read by the other engine
const encSeen = { a: new Map(), b: new Map() };  // type -> Set of encodings
function mark(dir, type, cell, st, msg) {
  if (!matrix[dir].has(type)) matrix[dir].set(type, new Map());
  matrix[dir].get(type).set(cell, st);
  if (st === 'F') failures.push({ dir, type, cell, msg });
}
const cellsA = [], cellsB = [];

// 1. Expected values: DuckDB's evaluation of the generating SQL.
const t0 = Date.now();
const expected = fromDuck(await duckRows(`SELECT id, ${render(COLS)} FROM (${genSql(COLS, 'duck')}) ORDER BY id`), COLS);

// 2. tarn's evaluation of the same SQL, per column (isolates unsupported types / SQL differences).
const writable = [];
const genAll = tarn(`SELECT id, ${render(COLS.filter(c => c.tarn))} FROM (${genSql(COLS.filter(c => c.tarn), 'tarn')})`);
const genGot = genAll.ok ? fromTarn(genAll.rows, COLS.filter(c => c.tarn)) : null;
for (const c of COLS) {
  if (!c.tarn) { notes.push(`tarn has no ${c.type} type: (a) skipped for ${c.name}`); continue; }
  let vals = genGot && genGot[c.name];
  if (!vals) {
    const r = tarn(`SELECT range AS id, CAST(${colExpr(c, c.tarn)} AS VARCHAR) AS ${c.name} FROM range(${N})`);
    if (!r.ok) { notes.push(`tarn cannot evaluate the ${c.name} generator (${r.err}): (a) skipped for it`); continue; }
    vals = fromTarn(r.rows, [c])[c.name];
  }
  const d = diff(c, expected[c.name], vals);
  if (d) {
    failures.push({ dir: 'sql', type: c.name, cell: 'generator', msg: `tarn SQL evaluates differently from DuckDB: ${d}` });
    notes.push(`tarn's SQL evaluation of the ${c.name} generator differs from DuckDB's: (a) skipped for it`);
    continue;
  }
  writable.push(c);
}

// 3. Probe tarn's COPY options for page v2 and dictionary off.
const probeFile = path.join(TMP, 'probe.parquet');
const probeSql = `SELECT range AS i, CAST(range % 4 AS INTEGER) AS lowcard, 'x' || CAST(range % 3 AS VARCHAR) AS s FROM range(1000)`;
async function probeTarn(cands, check) {
  const tried = [];
  for (const opt of cands) {
    fs.rmSync(probeFile, { force: true });
    const r = tarn(`COPY (${probeSql}) TO ${q(probeFile)} (FORMAT parquet, ${opt})`);
    if (!r.ok) { tried.push(`${opt}: ${r.err}`); continue; }
    const lay = await fileLayout(probeFile);
    return { opt, effective: check(lay), lay };
  }
  return { opt: null, tried };
}
const v2Probe = await probeTarn(['PARQUET_VERSION v2', "PARQUET_VERSION 'v2'", 'PARQUET_VERSION V2', 'PAGE_VERSION 2', 'DATA_PAGE_VERSION 2'],
  lay => lay.length > 0 && lay.every(x => x.pages.length > 0 && x.pages.every(t => t === 3)));
const dictProbe = await probeTarn(['DICTIONARY_SIZE_LIMIT 0', 'DICTIONARY false', 'DICTIONARY_ENCODING false', 'USE_DICTIONARY false', 'ENABLE_DICTIONARY false'],
  lay => lay.length > 0 && lay.every(x => !x.dict));
{
  fs.rmSync(probeFile, { force: true });
  const r = tarn(`COPY (${probeSql}) TO ${q(probeFile)} (FORMAT parquet)`);
  if (r.ok) {
    const lay = await fileLayout(probeFile);
    if (!lay.some(x => x.dict)) notes.push('tarn default COPY wrote no dictionary page even for a 4-value column');
    if (!lay.every(x => x.pages.every(t => t === 0))) notes.push(`tarn default COPY did not write v1 data pages: ${JSON.stringify(lay)}`);
  }
}
let tarnV2 = null, tarnNoDict = null;
if (!v2Probe.opt) notes.push(`tarn: no COPY option for v2 data pages accepted -> (a) v2 column skipped (tried: ${v2Probe.tried.join(' | ')})`);
else if (!v2Probe.effective) {
  failures.push({ dir: 'a', type: 'option', cell: v2Probe.opt, msg: `tarn accepted "${v2Probe.opt}" but the first data page is not DATA_PAGE_V2: ${JSON.stringify(v2Probe.lay)}` });
  tarnV2 = v2Probe.opt;
} else { tarnV2 = v2Probe.opt; notes.push(`tarn writes v2 pages with "${tarnV2}"`); }
if (!dictProbe.opt) notes.push(`tarn: no COPY option to disable dictionary encoding accepted -> (a) dictionary-off column skipped (tried: ${dictProbe.tried.join(' | ')})`);
else if (!dictProbe.effective) {
  failures.push({ dir: 'a', type: 'option', cell: dictProbe.opt, msg: `tarn accepted "${dictProbe.opt}" but still wrote a dictionary page: ${JSON.stringify(dictProbe.lay)}` });
  tarnNoDict = dictProbe.opt;
} else { tarnNoDict = dictProbe.opt; notes.push(`tarn disables dictionary encoding with "${tarnNoDict}"`); }

// 4. (a) tarn writes -> DuckDB reads.
const readDuck = async (file, cols) => duckTry(`SELECT id, ${render(cols)} FROM read_parquet(${q(file)}) ORDER BY id`);
async function checkDuckReads(dir, cell, file, cols, exp, writeErr) {
  // Whole file first; on error isolate per column.
  let got = null;
  const r = writeErr ? null : await readDuck(file, cols);
  if (r && r.ok) got = fromDuck(r.rows, cols);
  const types = writeErr ? [] : await duckTry(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${q(file)}))`);
  const typeOf = new Map(types.ok ? types.rows.map(x => [String(x[0]), String(x[1])]) : []);
  let lay = [];
  if (!writeErr) try { lay = await fileLayout(file); } catch { /* reported by the reads */ }
  for (const c of cols) {
    if (writeErr && WRITE_GAP.test(writeErr)) {
      noteOnce(`tarn cannot write ${c.name} yet (${writeErr}): cells marked skipped`);
      mark(dir, c.name, cell, '-');
      continue;
    }
    if (writeErr && c.mayRefuse && c.mayRefuse.test(writeErr)) {
      // A clean refusal of values the Parquet type cannot hold is correct behaviour.
      noteOnce(`tarn refuses to write ${c.name} (${writeErr}): accepted as correct, cells marked skipped`);
      mark(dir, c.name, cell, '-');
      continue;
    }
    if (writeErr) { mark(dir, c.name, cell, 'F', `tarn COPY failed: ${writeErr}`); continue; }
    let vals = got && got[c.name];
    if (!vals) {
      const one = await readDuck(file, [c]);
      if (!one.ok) { mark(dir, c.name, cell, 'F', `DuckDB cannot read the column: ${one.err}`); continue; }
      vals = fromDuck(one.rows, [c])[c.name];
    }
    const d = diff(c, exp[c.name], vals);
    mark(dir, c.name, cell, d ? 'F' : '.', d ? `${d} (DuckDB reads type ${typeOf.get(c.name)})` : '');
    if (typeOf.has(c.name)) {
      if (!typeInfo[dir].has(c.name)) typeInfo[dir].set(c.name, new Set());
      typeInfo[dir].get(c.name).add(typeOf.get(c.name));
    }
    for (const x of lay.filter(x => x.col === c.name || x.col.startsWith(c.name + ', '))) {
      if (!encSeen[dir].has(c.name)) encSeen[dir].set(c.name, new Set());
      x.enc.split(',').map(e => e.trim()).forEach(e => encSeen[dir].get(c.name).add(e));
      encSeen[dir].get(c.name).add('pages:' + pageDesc(x));
    }
  }
}

async function runA(codec, ver, dict) {
  const cell = `${CODEC_TAG[codec]}${ver}${dict ? 'd' : 'p'}`;
  cellsA.push(cell);
  const skip = (ver === 2 && !tarnV2) || (!dict && !tarnNoDict);
  if (skip) { COLS.forEach(c => mark('a', c.name, cell, '-')); return; }
  const opts = [`FORMAT parquet`, `COMPRESSION ${codec}`, `ROW_GROUP_SIZE ${RG}`];
  if (ver === 2) opts.push(tarnV2);
  if (!dict) opts.push(tarnNoDict);
  COLS.filter(c => !writable.includes(c)).forEach(c => mark('a', c.name, cell, '-'));
  // Columns flagged ownFile go to a file of their own so that a file DuckDB cannot read at all
  // does not hide the other columns' results.
  const groups = [writable.filter(c => !c.ownFile), ...writable.filter(c => c.ownFile).map(c => [c])];
  for (const [gi, cols] of groups.entries()) {
    const file = path.join(TMP, `a_${cell}_${gi}.parquet`);
    fs.rmSync(file, { force: true });
    const w = tarn(`COPY (${genSql(cols, 'tarn')}) TO ${q(file)} (${opts.join(', ')})`);
    if (w.ok || cols.length === 1) { await checkDuckReads('a', cell, file, cols, expected, w.ok ? null : w.err); continue; }
    // The whole-table COPY failed: isolate per column.
    for (const c of cols) {
      const f1 = path.join(TMP, `a_${cell}_${c.name}.parquet`);
      const w1 = tarn(`COPY (${genSql([c], 'tarn')}) TO ${q(f1)} (${opts.join(', ')})`);
      await checkDuckReads('a', cell, f1, [c], expected, w1.ok ? null : w1.err);
    }
  }
}

// 5. (b) DuckDB writes -> tarn reads. The table is materialised once and copied per cell.
await duckRows(`CREATE TABLE gen_b AS ${genSql(COLS, 'duckB')}`);
async function runB(codec, ver, dict) {
  const cell = `${CODEC_TAG[codec]}${ver}${dict ? 'd' : 'p'}`;
  cellsB.push(cell);
  const file = path.join(TMP, `b_${cell}.parquet`);
  const opts = [`FORMAT parquet`, `COMPRESSION ${codec}`, `PARQUET_VERSION V${ver}`, `ROW_GROUP_SIZE ${RG}`];
  if (!dict) opts.push('DICTIONARY_SIZE_LIMIT 0');
  await duckRows(`COPY gen_b TO ${q(file)} (${opts.join(', ')})`);
  const lay = await fileLayout(file);
  const pages = [...new Set(lay.flatMap(x => x.pages))].map(p => p === 3 ? 'DATA_PAGE_V2' : p === 0 ? 'DATA_PAGE' : `type ${p}`).join('+');
  noteOnce(`DuckDB PARQUET_VERSION V${ver} writes ${pages} headers`);
  const dictCols = lay.filter(x => x.dict).map(x => x.col);
  if (!dict && dictCols.length) noteOnce(`DuckDB writes a dictionary page despite DICTIONARY_SIZE_LIMIT 0 for: ${dictCols.join(', ')}`);
  for (const x of lay) {
    if (!encSeen.b.has(x.col)) encSeen.b.set(x.col, new Set());
    x.enc.split(',').map(e => e.trim()).forEach(e => encSeen.b.get(x.col).add(e));
    encSeen.b.get(x.col).add('pages:' + pageDesc(x));
  }
  const exp = fromDuck(await duckRows(`SELECT id, ${render(COLS)} FROM read_parquet(${q(file)}) ORDER BY id`), COLS);
  const desc = tarn(`DESCRIBE SELECT * FROM ${q(file)}`);
  if (desc.ok) for (const r of desc.rows) {
    if (!typeInfo.b.has(r.column_name)) typeInfo.b.set(r.column_name, new Set());
    typeInfo.b.get(r.column_name).add(r.column_type);
  }
  const all = tarn(`SELECT id, ${render(COLS)} FROM ${q(file)}`);
  let got = all.ok ? fromTarn(all.rows, COLS) : null;
  for (const c of COLS) {
    let vals = got && got[c.name];
    if (!vals) {
      const one = tarn(`SELECT id, ${render([c])} FROM ${q(file)}`);
      if (!one.ok) { mark('b', c.name, cell, 'F', `tarn cannot read the column: ${one.err}`); continue; }
      vals = fromTarn(one.rows, [c])[c.name];
    }
    const d = diff(c, exp[c.name], vals);
    mark('b', c.name, cell, d ? 'F' : '.', d || '');
  }
}

for (const codec of CODECS)
  for (const ver of [1, 2])
    for (const dict of [true, false]) {
      await runA(codec, ver, dict);
      await runB(codec, ver, dict);
    }

// 6. Statistics and filter pushdown: for each flat column, predicates (= < > on edge and sampled
// values, IS NULL) are counted twice by the reading engine on the same file: with WHERE (row groups
// may be pruned by the writer's statistics, filters may run on dictionaries) and as
// sum(CASE WHEN ... ) over every row. A difference means wrong statistics in the file (a: tarn wrote
// them, DuckDB pruned) or a wrong use of them (b: DuckDB wrote them, tarn pruned).
const FILTER_CELLS = QUICK ? ['Z1d'] : ['Z1d', 'Z1p', 'Z2d', 'Z2p'];
const cellsF = [];
function probePredicates(c, litType) {
  const vals = [];
  c.specials.forEach((sp, i) => { if (typeof sp === 'string' && expected[c.name][i] !== null) vals.push(expected[c.name][i]); });
  for (const r of [100, 2500, 5003]) if (expected[c.name][r] !== null) vals.push(expected[c.name][r]);
  const preds = [`${c.name} IS NULL`];
  for (const v of [...new Set(vals)]) {
    const lit = `CAST(${q(v)} AS ${litType})`;
    preds.push(`${c.name} = ${lit}`, `${c.name} < ${lit}`, `${c.name} > ${lit}`);
  }
  return preds;
}
async function filterCheck(dir, cell, file, cols, typeOf) {
  const stmts = [], owners = [];
  for (const c of cols) {
    const t = typeOf(c);
    if (!t) { mark(dir, c.name, cell, '-'); continue; }
    const preds = probePredicates(c, t);
    stmts.push(`SELECT ${preds.map((p, i) => `sum(CASE WHEN ${p} THEN 1 ELSE 0 END) AS p${i}`).join(', ')} FROM ${q(file)}`);
    owners.push({ c, preds, truth: stmts.length - 1, first: stmts.length });
    for (const p of preds) stmts.push(`SELECT count(*) AS n FROM ${q(file)} WHERE ${p}`);
  }
  let res;
  if (dir === 'fa') {
    res = [];
    for (const st of stmts) res.push(await duckTry(st.replace(`FROM ${q(file)}`, `FROM read_parquet(${q(file)})`)));
    res = res.map(r => r.ok ? { ok: true, rows: r.rows.map(row => Object.fromEntries(row.map((v, i) => [`p${i}`, v]))) } : r);
    res.forEach((r, i) => { if (r.ok && /count\(\*\) AS n/.test(stmts[i])) r.rows = r.rows.map(x => ({ n: x.p0 })); });
  } else res = tarnBatch(stmts);
  for (const o of owners) {
    const truth = res[o.truth];
    if (!truth.ok) { mark(dir, o.c.name, cell, 'F', `CASE-count query failed: ${truth.err}`); continue; }
    let msg = null;
    o.preds.forEach((p, i) => {
      if (msg) return;
      const w = res[o.first + i];
      const want = Number(truth.rows[0][`p${i}`] ?? 0);
      if (!w.ok) { msg = `WHERE ${p}: ${w.err} (the same predicate in CASE counts ${want} rows)`; return; }
      const got = Number(w.rows[0].n);
      if (got !== want) msg = `WHERE ${p}: ${got} rows, but CASE WHEN counts ${want} rows`;
    });
    mark(dir, o.c.name, cell, msg ? 'F' : '.', msg || '');
  }
}
for (const cell of FILTER_CELLS) {
  if (!cellsA.includes(cell) || !cellsB.includes(cell)) continue;
  cellsF.push(cell);
  // (a) the tarn-written file of this cell (if it was written), read by DuckDB.
  const fa = path.join(TMP, `a_${cell}_0.parquet`);
  const flat = writable.filter(c => !c.ownFile);
  if (fs.existsSync(fa)) {
    const d = await duckTry(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${q(fa)}))`);
    const types = new Map(d.ok ? d.rows.map(x => [String(x[0]), String(x[1])]) : []);
    await filterCheck('fa', cell, fa, flat, c => types.get(c.name));
  } else flat.forEach(c => mark('fa', c.name, cell, '-'));
  COLS.filter(c => !flat.includes(c)).forEach(c => mark('fa', c.name, cell, '-'));
  // (b) the DuckDB-written file of this cell, read by tarn (literal types as tarn reads the column).
  const fb = path.join(TMP, `b_${cell}.parquet`);
  const desc = tarn(`DESCRIBE SELECT * FROM ${q(fb)}`);
  const tt = new Map(desc.ok ? desc.rows.map(r => [r.column_name, r.column_type]) : []);
  await filterCheck('fb', cell, fb, COLS, c => tt.get(c.name));
}

// 7. Nesting. DuckDB writes the nested table per codec/version; tarn reads it; tarn copies it.
const UNSUPPORTED = /not supported|cannot cast|cannot be written|not implemented|unsupported/i;
const NCOLS = NESTED.map(c => ({ name: c.name, kind: 'nested' }));
{
  const probe = path.join(TMP, 'nested_probe.parquet');
  await duckRows(`CREATE TABLE gen_nested AS ${nestedSql()}`);
  await duckRows(`COPY gen_nested TO ${q(probe)} (FORMAT parquet)`);
  const rd = tarn(`SELECT id, ${render(NCOLS)} FROM ${q(probe)}`);
  const readable = rd.ok || !UNSUPPORTED.test(rd.err);
  if (!readable) notes.push(`tarn cannot read nested columns yet (${rd.err}): nested (b) skipped`);
  const wfile = path.join(TMP, 'nested_probe_t.parquet');
  const wr = tarn(`COPY (SELECT * FROM ${q(probe)}) TO ${q(wfile)} (FORMAT parquet)`);
  const writable = readable && (wr.ok || !UNSUPPORTED.test(wr.err));
  if (!writable) notes.push(readable ? `tarn cannot write nested columns yet (${wr.err}): nested (a) skipped` : 'nested (a) skipped too (tarn copies the nested columns from a DuckDB-written file)');
  for (const codec of CODECS)
    for (const ver of [1, 2])
      for (const dict of [true, false]) {
        const cell = `${CODEC_TAG[codec]}${ver}${dict ? 'd' : 'p'}`;
        const src = path.join(TMP, `n_${cell}.parquet`);
        const opts = [`FORMAT parquet`, `COMPRESSION ${codec}`, `PARQUET_VERSION V${ver}`, `ROW_GROUP_SIZE ${RG}`];
        if (!dict) opts.push('DICTIONARY_SIZE_LIMIT 0');
        await duckRows(`COPY gen_nested TO ${q(src)} (${opts.join(', ')})`);
        const exp = fromDuck(await duckRows(`SELECT id, ${render(NCOLS)} FROM read_parquet(${q(src)}) ORDER BY id`), NCOLS);
        for (const x of await fileLayout(src)) {
          const name = x.col.split(', ')[0];
          if (!encSeen.b.has(name)) encSeen.b.set(name, new Set());
          x.enc.split(',').map(e => e.trim()).forEach(e => encSeen.b.get(name).add(e));
          encSeen.b.get(name).add('pages:' + pageDesc(x));
        }
        if (readable) {
          const desc = tarn(`DESCRIBE SELECT * FROM ${q(src)}`);
          if (desc.ok) for (const r of desc.rows) {
            if (!typeInfo.b.has(r.column_name)) typeInfo.b.set(r.column_name, new Set());
            typeInfo.b.get(r.column_name).add(r.column_type);
          }
        }
        // (b)
        if (!readable) NCOLS.forEach(c => mark('b', c.name, cell, '-'));
        else {
          const all = tarn(`SELECT id, ${render(NCOLS)} FROM ${q(src)}`);
          const got = all.ok ? fromTarn(all.rows, NCOLS) : null;
          for (const c of NCOLS) {
            let vals = got && got[c.name];
            if (!vals) {
              const one = tarn(`SELECT id, ${render([c])} FROM ${q(src)}`);
              if (!one.ok) { mark('b', c.name, cell, 'F', `tarn cannot read the column: ${one.err}`); continue; }
              vals = fromTarn(one.rows, [c])[c.name];
            }
            const d = diff(c, exp[c.name], vals);
            mark('b', c.name, cell, d ? 'F' : '.', d || '');
          }
        }
        // (a): tarn copies DuckDB's file with its own options; DuckDB compares with the source.
        const skip = !writable || (ver === 2 && !tarnV2) || (!dict && !tarnNoDict);
        if (skip) { NCOLS.forEach(c => mark('a', c.name, cell, '-')); continue; }
        const topts = [`FORMAT parquet`, `COMPRESSION ${codec}`, `ROW_GROUP_SIZE ${RG}`];
        if (ver === 2) topts.push(tarnV2);
        if (!dict) topts.push(tarnNoDict);
        const tf = path.join(TMP, `na_${cell}.parquet`);
        const w = tarn(`COPY (SELECT * FROM ${q(src)}) TO ${q(tf)} (${topts.join(', ')})`);
        await checkDuckReads('a', cell, tf, NCOLS, exp, w.ok ? null : w.err);
      }
}

// ---------------------------------------------------------------------------------------------
// Report.
function printMatrix(dir, title, cells) {
  console.log(`\n${title}`);
  console.log('cells: codec (U uncompressed, S snappy, G gzip, Z zstd, B brotli, L lz4_raw) + page version (1/2) + dictionary (d on / p off)');
  console.log(`${'type'.padEnd(14)} ${cells.map(c => c.padEnd(3)).join(' ')}  read as`);
  const names = [...COLS.map(c => c.name), ...(dir.startsWith('f') ? [] : NESTED.map(c => c.name))];
  for (const t of names) {
    const row = matrix[dir].get(t) || new Map();
    const tt = typeInfo[dir] && typeInfo[dir].get(t);
    console.log(`${t.padEnd(14)} ${cells.map(c => (row.get(c) || '-').padEnd(3)).join(' ')}  ${tt ? [...tt].join(' / ') : ''}`);
  }
}
printMatrix('a', '(a) tarn writes -> DuckDB reads  (. pass, F fail, - skipped; "read as" = DuckDB type of the column)', cellsA);
printMatrix('b', '(b) DuckDB writes -> tarn reads  (. pass, F fail, - skipped; "read as" = tarn type of the column)', cellsB);
printMatrix('fa', "(a') tarn-written statistics: DuckDB's WHERE counts (row-group pruning) = its CASE counts", cellsF);
printMatrix('fb', "(b') DuckDB-written statistics: tarn's WHERE counts (pruning / pushdown) = its CASE counts", cellsF);

console.log('\nencodings exercised (row group 0 of each file; pages: v1/v2 x data pages per column chunk):');
for (const dir of ['a', 'b'])
  for (const [t, s] of encSeen[dir]) console.log(`  (${dir}) ${t.padEnd(14)} ${[...s].sort().join(' ')}`.replace(/ pages:/, '  pages: ').replace(/ pages:/g, ' '));

if (renderNotes.size) notes.push(`tarn's CAST(nested AS VARCHAR) does not quote strings as DuckDB does (values equal, cells pass), e.g. ${[...renderNotes].join('; ')}`);
if (notes.length) { console.log('\nnotes:'); notes.forEach(n => console.log('  ' + n)); }

const counts = {};
for (const dir of ['a', 'b', 'fa', 'fb']) {
  counts[dir] = { '.': 0, F: 0, '-': 0 };
  for (const row of matrix[dir].values()) for (const st of row.values()) counts[dir][st]++;
}
console.log(`\ntarn: ${tarnCalls} runs, ${(tarnMs / 1000).toFixed(1)} s wall; DuckDB: ${duckCalls} statements, ${(duckMs / 1000).toFixed(1)} s`);
if (VERBOSE) console.log([...duckStats].map(([k, v]) => `  ${k}: ${v} ms`).join('\n'));
console.log(['a', 'b', 'fa', 'fb'].map(d => `(${d.replace('f', '')}${d.startsWith('f') ? "'" : ''}) pass ${counts[d]['.']} fail ${counts[d].F} skip ${counts[d]['-']}`).join(';  ') +
  `;  ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (failures.length) {
  console.log(`\nFAILURES (${failures.length}); first differing value per failing cell:`);
  // Group identical messages across cells to keep the report readable.
  const groups = new Map();
  for (const f of failures) {
    const k = JSON.stringify([f.dir, f.type, f.msg]);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(f.cell);
  }
  let shown = 0;
  for (const [k, cells] of groups) {
    const [dir, type, msg] = JSON.parse(k);
    if (!VERBOSE && shown++ >= 60) { console.log(`  ... ${groups.size - 60} more (use --verbose)`); break; }
    console.log(`  (${dir}) ${type} [${cells.join(' ')}]: ${msg}`);
  }
  process.exit(1);
}
console.log('interop matrix: all compared cells match');
