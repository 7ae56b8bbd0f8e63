// duckdb_check.mjs -- run tarn's sqllogictest files against DuckDB (@duckdb/node-api) to
// cross-check their expected values. Not part of CTest: a developer tool.
//
//   node test/sql/duckdb_check.mjs [--verbose] test/sql/*.test
//   (@duckdb/node-api is looked up in $TARN_NODE_MODULES, default bench/node_modules)
//
// It applies the same record rules and value rendering as slt_runner.c (NULL, (empty), I
// truncation, R "%.3f", rowsort/valuesort, tab-separated rows, numeric tolerance, true/false vs
// 1/0, <REGEX>: / <!REGEX>: values, statement count N, loop/foreach, require, require-env with
// ${VAR} substitution, mode skip/unskip, halt) and answers to the engine name "duckdb", so
// "skipif duckdb" / "onlyif tarn" mark tarn's deliberate differences (PostgreSQL semantics such
// as errors on division by zero, or tarn-only output such as EXPLAIN); every such record should
// carry a comment saying why. Sessions use integer_division=true (tarn's `/` on integers
// truncates like PostgreSQL) and TimeZone=UTC. Values are DuckDB's own VARCHAR casts. Expected
// error messages are not compared (they are engine-specific); only "it failed".
// Each file runs in a fresh in-memory database with a fresh temporary working directory, so
// relative COPY targets land there and are deleted afterwards.
import fs from 'fs';
import os from 'os';
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

// "<REGEX>:re" matches a value re matches as a whole ('.' also matches a line feed, as in
// POSIX regexec without REG_NEWLINE); "<!REGEX>:re" one it does not. null if not a pattern.
function patternMatches(exp, act) {
  let neg;
  if (exp.startsWith('<REGEX>:')) neg = false;
  else if (exp.startsWith('<!REGEX>:')) neg = true;
  else return null;
  let re;
  try { re = new RegExp('^(?:' + exp.slice(neg ? 9 : 8) + ')$', 's'); } catch { return false; }
  return re.test(act) !== neg;
}

function matches(exp, act, raw, letter, type) {
  if (exp === act) return true;
  const pm = patternMatches(exp, act);
  if (pm !== null) return pm;
  if (type === 'BOOLEAN' && ((raw === 'true' && exp === '1') || (raw === 'false' && exp === '0'))) return true;
  if (raw !== null && (letter === 'R' || FLOATS.has(type) || isDecimal(type))) {
    const e = Number(exp), a = Number(raw);
    if (exp !== '' && !Number.isNaN(e) && !Number.isNaN(a) &&
        (e === a || Math.abs(e - a) <= 1e-9 * Math.max(1, Math.abs(a)))) return true;
  }
  return false;
}

const cmpStr = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const words = l => l.trim().split(/\s+/);

// Expand loop/foreach ... endloop blocks textually (nested blocks included). Lines are
// { t: text, n: line number in the file }.
function expandLoops(lines) {
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const w = words(lines[i].t);
    if (w[0] !== 'loop' && w[0] !== 'foreach') { out.push(lines[i]); continue; }
    let depth = 0, j = i + 1;
    for (; j < lines.length; j++) {
      const k = words(lines[j].t)[0];
      if (k === 'loop' || k === 'foreach') depth++;
      else if (k === 'endloop') { if (depth === 0) break; depth--; }
    }
    if (j >= lines.length) throw new Error(`${w[0]} without endloop at line ${lines[i].n}`);
    const body = expandLoops(lines.slice(i + 1, j));
    const values = w[0] === 'loop'
      ? Array.from({ length: Math.max(0, Number(w[3]) - Number(w[2])) }, (_, k) => String(Number(w[2]) + k))
      : w.slice(2);
    for (const v of values) for (const l of body) out.push({ t: l.t.split('${' + w[1] + '}').join(v), n: l.n });
    i = j;
  }
  return out;
}

async function readAll(con, sql) {
  const r = await con.runAndReadAll(sql);
  return r.getRows().map(row => row.map(v => (v === null ? null : String(v))));
}

async function runFile(file, verbose) {
  const text = fs.readFileSync(file, 'utf8');
  const numbered = expandLoops(text.split('\n').map((t, k) => ({ t, n: k + 1 })));
  const lines = numbered.map(l => l.t);
  const cwd = process.cwd();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'duckdb_check-'));
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  await con.run("SET TimeZone='UTC'");
  await con.run('SET integer_division=true');
  process.chdir(work);
  const vars = {};
  const subst = s => s.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, n) => (n in vars ? vars[n] : m));
  let pass = 0, fail = 0, skip = 0, skipNext = false, skipMode = false;
  const report = (ln, sql, msg) => { fail++; console.log(`FAIL ${file}:${numbered[ln].n}\n  SQL: ${sql.trim()}\n  ${msg}`); };
  let i = 0;
  try {
    while (i < lines.length) {
      const line = lines[i];
      if (line.trim() === '' || line.startsWith('#')) { i++; continue; }
      const w = words(subst(line));
      if (w[0] === 'skipif' || w[0] === 'onlyif') {
        const us = w[1] === 'duckdb';
        if ((w[0] === 'skipif' && us) || (w[0] === 'onlyif' && !us)) skipNext = true;
        i++; continue;
      }
      if (w[0] === 'halt') { if (!skipNext && !skipMode) break; skipNext = false; i++; continue; }
      if (w[0] === 'hash-threshold') { i++; continue; }
      if (w[0] === 'mode') { skipMode = w[1] === 'skip' ? true : w[1] === 'unskip' ? false : skipMode; i++; continue; }
      if (w[0] === 'require') { console.log(`SKIP ${file}: require ${w[1]}`); skip++; break; }
      if (w[0] === 'require-env') {
        const v = process.env[w[1]];
        if (!v) { console.log(`SKIP ${file}: environment variable ${w[1]} not set`); skip++; break; }
        vars[w[1]] = v; i++; continue;
      }
      if (w[0] !== 'statement' && w[0] !== 'query') {
        console.log(`SKIP ${file}:${i + 1}: unsupported directive "${w[0]}"; rest of file skipped`);
        skip++; break;
      }
      // read the record: SQL up to a blank line or ----, expected lines up to an empty line
      const start = i;
      const sqlLines = [];
      const expected = [];
      let dashes = false;
      i++;
      for (; i < lines.length; i++) {
        const l = subst(lines[i]);
        if (l.trim() === '') break;
        if (/^----\s*$/.test(l)) { dashes = true; i++; break; }
        if (!l.startsWith('#')) sqlLines.push(l);
      }
      if (dashes) for (; i < lines.length && lines[i] !== ''; i++) expected.push(subst(lines[i]));
      const sql = sqlLines.join('\n');
      if (skipNext || skipMode) { skip++; skipNext = false; continue; }
      if (verbose) console.log(`  ${file}:${numbered[start].n}`);
      if (w[0] === 'statement' || (w[0] === 'query' && w[1] === 'error')) {
        const kind = w[0] === 'query' ? 'error' : w[1];
        let err = null, rows = null;
        try { rows = await readAll(con, sql); } catch (e) { err = e.message; }
        if (kind === 'error') {
          if (err === null) report(start, sql, 'expected an error, but DuckDB succeeded'); else pass++;
        } else if (kind === 'maybe') {
          pass++;
        } else if (err !== null) {
          report(start, sql, 'DuckDB error: ' + err);
        } else if (kind === 'count') {
          const got = rows.length === 1 && rows[0].length === 1 ? rows[0][0] : null;
          if (got === w[2]) pass++; else report(start, sql, `expected count ${w[2]}, DuckDB gives ${got}`);
        } else pass++;
        continue;
      }
      const types = w[1] || '';
      const sort = ['nosort', 'rowsort', 'valuesort'].includes(w[2]) ? w[2] : 'nosort';
      let rows, ctypes;
      try {
        const isSelect = /^\s*(select|from|with)\b/i.test(sql);
        const q = sql.replace(/;\s*$/, '');
        if (isSelect) {
          rows = await readAll(con, `SELECT COLUMNS(*)::VARCHAR FROM (${q})`);
          ctypes = (await readAll(con, 'DESCRIBE ' + q)).map(x => x[1]);
        } else {
          const r = await con.runAndReadAll(q);
          rows = r.getRows().map(row => row.map(v => (v === null ? null : String(v))));
          ctypes = r.columnTypes().map(t => t.toString());
        }
      } catch (e) { report(start, sql, 'DuckDB error: ' + e.message); continue; }
      const ncols = ctypes.length;
      if (types.length !== ncols) { report(start, sql, `expected ${types.length} columns, DuckDB gives ${ncols}`); continue; }
      const act = rows.map(r => r.map((v, c) => ({ s: render(types[c], ctypes[c], v), raw: v, c })));
      if (sort === 'rowsort') act.sort((a, b) => { for (let c = 0; c < ncols; c++) { const x = cmpStr(a[c].s, b[c].s); if (x) return x; } return 0; });
      let flat = act.flat();
      if (sort === 'valuesort') flat = flat.map(v => ({ s: v.s, raw: null, c: -1 })).sort((a, b) => cmpStr(a.s, b.s));
      if (expected.length === 1 && / values hashing to /.test(expected[0])) { skip++; continue; } // not checked
      let exp = [];
      const rowwise = expected.some(l => l.includes('\t')) || (ncols > 1 && expected.length === rows.length);
      for (const l of expected) if (rowwise) exp.push(...l.split('\t')); else exp.push(l);
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
  } finally {
    process.chdir(cwd);
    con.closeSync?.();
    inst.closeSync?.();
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`${fail ? 'FAILED' : 'ok'} ${file}: ${pass} passed, ${fail} failed, ${skip} skipped`);
  return fail;
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
let failures = 0;
for (const f of args.filter(a => a !== '--verbose')) failures += await runFile(path.resolve(f), verbose);
process.exit(failures ? 1 : 0);
