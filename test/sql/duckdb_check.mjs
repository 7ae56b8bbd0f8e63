// duckdb_check.mjs -- run tarn's sqllogictest files against DuckDB (@duckdb/node-api) to
// cross-check their expected values. Not part of CTest: a developer tool.
//
//   node test/sql/duckdb_check.mjs test/sql/*.test
//   (@duckdb/node-api is looked up in $TARN_NODE_MODULES, default bench/node_modules)
//
// It applies the same record rules and value rendering as slt_runner.c (NULL, (empty), I
// truncation, R "%.3f", rowsort/valuesort, tab-separated rows, numeric tolerance, true/false vs
// 1/0), answers to the engine name "duckdb" (so "skipif duckdb" marks tarn's deliberate
// PostgreSQL-style differences, e.g. integer division and errors on division by zero), and sets
// integer_division=true and TimeZone=UTC. Values are DuckDB's own VARCHAR casts.
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';
import { fileURLToPath, pathToFileURL } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const mods = process.env.TARN_NODE_MODULES || path.join(here, '..', '..', 'bench', 'node_modules');
const req = createRequire(path.join(mods, 'resolve-from-here.js'));
const { DuckDBInstance } = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);

const FLOATS = new Set(['FLOAT', 'DOUBLE']);
const isDecimal = t => t.startsWith('DECIMAL');
const isNumeric = t => FLOATS.has(t) || isDecimal(t) ||
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t);

function render(letter, type, raw) {
  if (raw === null) return 'NULL';
  if (raw === '') return '(empty)';
  if (letter === 'I' && (FLOATS.has(type) || isDecimal(type))) {
    const d = Number(raw);
    if (Number.isFinite(d)) return String(Math.trunc(d));
  } else if (letter === 'R' && isNumeric(type)) {
    const d = Number(raw);
    if (Number.isFinite(d)) return d.toFixed(3);
  }
  return raw;
}

function matches(exp, act, raw, letter, type) {
  if (exp === act) return true;
  if (type === 'BOOLEAN' && ((raw === 'true' && exp === '1') || (raw === 'false' && exp === '0'))) return true;
  if (raw !== null && (letter === 'R' || FLOATS.has(type) || isDecimal(type))) {
    const e = Number(exp), a = Number(raw);
    if (exp !== '' && !Number.isNaN(e) && !Number.isNaN(a) &&
        (e === a || Math.abs(e - a) <= 1e-9 * Math.max(1, Math.abs(a)))) return true;
  }
  return false;
}

const cmpStr = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

async function runFile(path) {
  const lines = fs.readFileSync(path, 'utf8').split('\n');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  await con.run("SET TimeZone='UTC'");
  await con.run('SET integer_division=true');
  let pass = 0, fail = 0, skip = 0, skipNext = false;
  const report = (ln, sql, msg) => { fail++; console.log(`FAIL ${path}:${ln + 1}\n  SQL: ${sql.trim()}\n  ${msg}`); };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) { i++; continue; }
    const w = line.trim().split(/\s+/);
    if (w[0] === 'skipif' || w[0] === 'onlyif') {
      const us = w[1] === 'duckdb';
      if ((w[0] === 'skipif' && us) || (w[0] === 'onlyif' && !us)) skipNext = true;
      i++; continue;
    }
    if (w[0] === 'halt') { if (!skipNext) break; skipNext = false; i++; continue; }
    if (w[0] !== 'statement' && w[0] !== 'query') { i++; continue; }
    // read record
    const start = i;
    const sqlLines = [];
    const expected = [];
    let dashes = false;
    i++;
    for (; i < lines.length; i++) {
      if (lines[i].trim() === '') break;
      if (/^----\s*$/.test(lines[i])) { dashes = true; i++; break; }
      if (!lines[i].startsWith('#')) sqlLines.push(lines[i]);
    }
    if (dashes) for (; i < lines.length && lines[i] !== ''; i++) expected.push(lines[i]);
    const sql = sqlLines.join('\n');
    if (skipNext) { skip++; skipNext = false; continue; }
    if (w[0] === 'statement') {
      let err = null;
      try { await con.run(sql); } catch (e) { err = e.message; }
      if (w[1] === 'error') {
        if (err === null) report(start, sql, 'expected an error, but DuckDB succeeded'); else pass++;
      } else if (w[1] !== 'maybe' && err !== null) report(start, sql, 'DuckDB error: ' + err); else pass++;
      continue;
    }
    const types = w[1] || '';
    const sort = ['nosort', 'rowsort', 'valuesort'].includes(w[2]) ? w[2] : 'nosort';
    let rows, ctypes;
    try {
      const isSelect = /^\s*(select|from|with)\b/i.test(sql);
      const q = sql.replace(/;\s*$/, '');
      const r = await con.runAndReadAll(isSelect ? `SELECT COLUMNS(*)::VARCHAR FROM (${q})` : q);
      rows = r.getRows().map(row => row.map(v => (v === null ? null : String(v))));
      if (isSelect) {
        const d = await con.runAndReadAll('DESCRIBE ' + q);
        ctypes = d.getRows().map(x => String(x[1]));
      } else ctypes = r.columnTypes().map(t => t.toString());
    } catch (e) { report(start, sql, 'DuckDB error: ' + e.message); continue; }
    const ncols = ctypes.length;
    if (types.length !== ncols) { report(start, sql, `expected ${types.length} columns, DuckDB gives ${ncols}`); continue; }
    let act = rows.map(r => r.map((v, c) => ({ s: render(types[c], ctypes[c], v), raw: v, c })));
    if (sort === 'rowsort') act.sort((a, b) => { for (let c = 0; c < ncols; c++) { const x = cmpStr(a[c].s, b[c].s); if (x) return x; } return 0; });
    let flat = act.flat();
    if (sort === 'valuesort') flat = flat.map(v => ({ s: v.s, raw: null, c: -1 })).sort((a, b) => cmpStr(a.s, b.s));
    let exp = [];
    const rowwise = expected.some(l => l.includes('\t')) || (ncols > 1 && expected.length === rows.length);
    for (const l of expected) if (rowwise) exp.push(...l.split('\t')); else exp.push(l);
    if (expected.length === 1 && / values hashing to /.test(expected[0])) { pass++; continue; } // not checked
    if (sort === 'valuesort') exp.sort(cmpStr);
    if (sort === 'rowsort' && ncols && exp.length % ncols === 0) {
      const er = []; for (let k = 0; k < exp.length; k += ncols) er.push(exp.slice(k, k + ncols));
      er.sort((a, b) => { for (let c = 0; c < ncols; c++) { const x = cmpStr(a[c], b[c]); if (x) return x; } return 0; });
      exp = er.flat();
    }
    let ok = exp.length === flat.length;
    for (let k = 0; ok && k < flat.length; k++) {
      const v = flat[k];
      if (!matches(exp[k], v.s, v.raw, v.c >= 0 ? types[v.c] : 'T', v.c >= 0 ? ctypes[v.c] : 'VARCHAR')) ok = false;
    }
    if (ok) pass++;
    else {
      const show = [];
      for (let k = 0; k < flat.length && k < 40 * Math.max(ncols, 1); k += Math.max(ncols, 1))
        show.push(flat.slice(k, k + ncols).map(v => v.s).join('\t'));
      report(start, sql, `types ${ctypes.join(',')}\n  expected: ${expected.join(' | ')}\n  duckdb:   ${show.join(' | ')}`);
    }
  }
  console.log(`${fail ? 'FAILED' : 'ok'} ${path}: ${pass} passed, ${fail} failed, ${skip} skipped`);
  return fail;
}

let failures = 0;
for (const f of process.argv.slice(2)) failures += await runFile(f);
process.exit(failures ? 1 : 0);
