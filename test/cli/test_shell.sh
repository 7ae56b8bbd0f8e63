#!/usr/bin/env bash
# test_shell.sh TARN_BINARY -- behaviour of the `tarn` shell: output modes (box, csv, json, line,
# markdown, list), -c (repeated), script files, stdin, dot commands, headers, the timer, box
# elision and width fitting, and exit codes / stderr on errors. Exits non-zero if any check fails.
set -u
TARN=${1:?usage: test_shell.sh TARN_BINARY}
tmp=${TARN_TEST_TMP:-/tmp}/cli_shell.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
fails=0
checks=0

ok() { checks=$((checks + 1)); }
bad() {
    checks=$((checks + 1)); fails=$((fails + 1))
    echo "FAIL: $1"
    if [ $# -ge 3 ]; then
        echo "  expected: $(printf '%s' "$2" | od -c | head -20)"
        echo "  actual:   $(printf '%s' "$3" | od -c | head -20)"
    fi
}
# expect_eq NAME EXPECTED ACTUAL
expect_eq() { if [ "$2" == "$3" ]; then ok; else bad "$1" "$2" "$3"; fi; }
# expect_has NAME NEEDLE HAYSTACK
expect_has() {
    case "$3" in *"$2"*) ok ;; *) bad "$1: missing [$2] in output:"; printf '%s\n' "$3" | head -30 ;; esac
}
expect_not_has() {
    case "$3" in *"$2"*) bad "$1: unexpected [$2] in output:"; printf '%s\n' "$3" | head -30 ;; *) ok ;; esac
}
# expect_match NAME ERE HAYSTACK (some line matches the extended regex)
expect_match() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok; else bad "$1: no line matches /$2/ in output:"; printf '%s\n' "$3" | head -30; fi
}
expect_not_match() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then bad "$1: a line matches /$2/ in output:"; printf '%s\n' "$3" | head -30; else ok; fi
}
# expect_rc NAME EXPECTED_STATUS ACTUAL_STATUS
expect_rc() { if [ "$2" -eq "$3" ]; then ok; else bad "$1: exit status $3, expected $2"; fi; }

# ---- basic modes ----
out=$("$TARN" -csv -c "SELECT 1 AS a, 'x,y' AS b, NULL AS c, 'say \"hi\"' AS d"); rc=$?
expect_rc "csv status" 0 $rc
expect_eq "csv" 'a,b,c,d
1,"x,y",,"say ""hi"""' "$out"

out=$("$TARN" -csv -noheader -c "SELECT 1 AS a, 2 AS b")
expect_eq "csv noheader" "1,2" "$out"

out=$("$TARN" -json -c "SELECT 1 AS a, 'x' AS b, NULL AS c, true AS d, 2.50 AS e, DATE '2024-01-02' AS f")
expect_eq "json" '[{"a":1,"b":"x","c":null,"d":true,"e":2.50,"f":"2024-01-02"}]' "$out"

out=$("$TARN" -json -c "SELECT * FROM range(3)")
expect_eq "json rows" '[{"range":0},
{"range":1},
{"range":2}]' "$out"

out=$("$TARN" -json -c "SELECT 'a\"b\\c' AS s")
expect_eq "json escapes" '[{"s":"a\"b\\c"}]' "$out"

out=$("$TARN" -json -c "SELECT 1 AS a WHERE false")
expect_eq "json empty" '[]' "$out"

out=$("$TARN" -line -c "SELECT range + 1 AS a, CASE WHEN range = 0 THEN 'x' END AS long_name FROM range(2)")
expect_eq "line" '        a = 1
long_name = x

        a = 2
long_name = NULL' "$out"

out=$("$TARN" -markdown -c "SELECT range AS a, 'v' || CAST(range * 11 AS VARCHAR) AS bb FROM range(2)")
expect_eq "markdown" '| a | bb  |
|---|-----|
| 0 | v0  |
| 1 | v11 |' "$out"

# csv: empty string "" vs NULL (nothing); line breaks and quotes inside a field are quoted
out=$("$TARN" -csv -c "SELECT '' AS e, NULL AS n, E'l1\nl2' AS nl, 'plain' AS p")
expect_eq "csv empty vs NULL, embedded newline" 'e,n,nl,p
"",,"l1
l2",plain' "$out"

# json: non-finite doubles are strings; control characters escaped; UTF-8 kept; big integers,
# decimals and unsigned values stay numbers; intervals, blobs, times are strings
out=$("$TARN" -json -c "SELECT CAST('inf' AS DOUBLE) AS a, CAST('-inf' AS DOUBLE) AS b, CAST('nan' AS DOUBLE) AS c, 1e300 * 10 AS d")
expect_eq "json non-finite" '[{"a":"inf","b":"-inf","c":"nan","d":1e+301}]' "$out"
out=$("$TARN" -json -c "SELECT E'\x01tab\there\nnl' AS s, 'héllo ✓' AS u, '/' AS sl")
expect_eq "json control characters" '[{"s":"\u0001tab\there\nnl","u":"héllo ✓","sl":"/"}]' "$out"
out=$("$TARN" -json -c "SELECT CAST(170141183460469231731687303715884105727 AS HUGEINT) AS h, CAST(18446744073709551615 AS UBIGINT) AS u, -0.5 AS m, INTERVAL '1 day' AS i, CAST('ab' AS BLOB) AS bl, TIME '01:02:03' AS t")
expect_eq "json numbers and strings" '[{"h":170141183460469231731687303715884105727,"u":18446744073709551615,"m":-0.5,"i":"1 day","bl":"ab","t":"01:02:03"}]' "$out"
out=$("$TARN" -json -c "SELECT 1 AS \"we\"\"ird\\name\"")
expect_eq "json escaped key" '[{"we\"ird\\name":1}]' "$out"
# json: LIST / STRUCT / MAP values are JSON arrays and objects (not strings), NULL ones null
out=$("$TARN" -json -c "SELECT [1, NULL] AS l, {'a': 'x\"y', 'b': [1.5]} AS s, MAP {'k': 1} AS m, NULL::INT[] AS n, [] AS e, 2 AS i")
expect_eq "json nested values" '[{"l":[1,null],"s":{"a":"x\"y","b":[1.5]},"m":{"k":1},"n":null,"e":[],"i":2}]' "$out"
out=$("$TARN" -json -c "SELECT range AS r, [range, range + 1] AS l FROM range(2)")
expect_eq "json nested rows" '[{"r":0,"l":[0,1]},
{"r":1,"l":[1,2]}]' "$out"

# markdown: '|' inside values and names is escaped
out=$("$TARN" -markdown -c "SELECT 'a|b' AS \"x|y\", NULL AS n")
expect_eq "markdown pipe escape" '| x\|y | n    |
|------|------|
| a\|b | NULL |' "$out"

out=$("$TARN" -list -c "SELECT 1 AS a, 'x' AS b, NULL AS c")
expect_eq "list" 'a|b|c
1|x|NULL' "$out"

out=$("$TARN" -c "SELECT 42 AS answer, 'hello' AS greeting")
expect_eq "box" '┌────────┬──────────┐
│ answer │ greeting │
│ int32  │ varchar  │
├────────┼──────────┤
│     42 │ hello    │
└────────┴──────────┘' "$out"

out=$("$TARN" -box -c "SELECT NULL::INTEGER AS n, 'x' AS s")
expect_match "box null (right-aligned in a number column)" '│  NULL │ x       │' "$out"

# ---- box: row elision and width fitting ----
out=$("$TARN" -c "SELECT range AS i FROM range(1000)")
expect_has "box elision footer" "1000 rows (40 shown)" "$out"
expect_has "box elision dots" "·" "$out"
expect_match "box first rows" '│ +19 │' "$out"
expect_match "box last rows" '│ +999 │' "$out"
expect_not_match "box elided middle" '│ +(20|500|979) │' "$out"
rows=$(printf '%s\n' "$out" | grep -c '│ *[0-9]* │')
expect_eq "box shows 40 rows" "40" "$rows"
shown=$(printf '%s\n' "$out" | sed -n 's/^│ *\([0-9][0-9]*\) │$/\1/p' | tr '\n' ' ')
expect_eq "box shows the first and last 20 rows" "$(seq 0 19 | tr '\n' ' ')$(seq 980 999 | tr '\n' ' ')" "$shown"
# the last rows are right when they span result batches (2048 rows each): 4100 rows end with
# a batch of 4, so the shown tail mixes two batches
out=$("$TARN" -c "SELECT range AS i FROM range(4100)")
shown=$(printf '%s\n' "$out" | sed -n 's/^│ *\([0-9][0-9]*\) │$/\1/p' | tr '\n' ' ')
expect_eq "box tail across batches" "$(seq 0 19 | tr '\n' ' ')$(seq 4080 4099 | tr '\n' ' ')" "$shown"
expect_has "box tail across batches footer" "4100 rows (40 shown)" "$out"
out=$("$TARN" -c "SELECT range AS i FROM range(40)")
expect_not_has "box: 40 rows are all shown" "·" "$out"
expect_match "box: row 39 shown" '│ +39 │' "$out"
out=$("$TARN" -c ".maxrows 10" -c "SELECT range AS i FROM range(41)")
expect_has "box .maxrows" "41 rows (10 shown)" "$out"

# every line of a box has the same width (multi-byte text, NULL, numbers, empty strings)
out=$("$TARN" -c "SELECT 'héllo wörld' AS s, NULL AS n, 3.25 AS d, '' AS e, -7 AS i")
widths=$(printf '%s\n' "$out" | while IFS= read -r line; do echo "${#line}"; done | sort -u | wc -l)
expect_eq "box lines aligned" "1" "$widths"
expect_match "box text left-aligned" '│ héllo wörld │' "$out"
expect_match "box decimal right-aligned" '│ +3\.25 │' "$out"
expect_match "box type row" '│ +varchar +│ +"null" +│ +decimal\(3,2\) +│ +varchar +│ +int32 +│' "$out"

# empty results still show the header and say 0 rows
out=$("$TARN" -c "SELECT 1 AS a, 'x' AS b WHERE false")
expect_has "box empty result" "0 rows" "$out"
expect_match "box empty header" '│ +a +│ +b +│' "$out"

# values with line feeds take several lines (EXPLAIN output stays readable)
out=$("$TARN" -c "SELECT E'first\nsecond' AS m, 1 AS n")
expect_match "box multi-line value, line 1" '│ first +│ +1 │' "$out"
expect_match "box multi-line value, line 2" '│ second +│ +│' "$out"
out=$("$TARN" -c "EXPLAIN SELECT range FROM range(3) WHERE range > 1")
expect_match "box EXPLAIN one operator per line" '│ +FILTER' "$out"
expect_match "box EXPLAIN second operator" '│ +RANGE' "$out"
# other control characters are escaped so a value never breaks the table
out=$("$TARN" -c "SELECT E'tab\there' AS t")
expect_has "box escapes tabs" 'tab\there' "$out"

wide="SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' AS long_text"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do wide="$wide, $i AS column_number_$i"; done
out=$(COLUMNS=60 "$TARN" -c "$wide")
maxw=0
while IFS= read -r line; do n=${#line}; [ "$n" -gt "$maxw" ] && maxw=$n; done <<< "$out"
if [ "$maxw" -le 60 ]; then ok; else bad "box width: a line is $maxw columns wide (COLUMNS=60)"; printf '%s\n' "$out"; fi
expect_has "box truncation" "…" "$out"
expect_has "box column elision footer" "13 columns" "$out"
out=$(COLUMNS=300 "$TARN" -c "$wide")
expect_has "box wide terminal keeps all columns" "column_number_7" "$out"
expect_not_has "box wide terminal: no column footer" "columns (" "$out"
expect_has "box wide terminal narrows the long column" "aaaaaaaaaaaaaaaaaaa…" "$out"

# ---- several -c, dot commands, timer ----
out=$("$TARN" -c ".mode csv" -c "SELECT 1 AS x; SELECT 2 AS y" -c ".headers off" -c "SELECT 3")
expect_eq "multi -c" 'x
1
y
2
3' "$out"

out=$("$TARN" -csv -c ".timer on" -c "SELECT 1 AS x")
expect_match "timer" '^Run Time \(s\): real [0-9]+\.[0-9]{3}( |$)' "$out"
out=$("$TARN" -csv -c ".timer on" -c ".timer off" -c "SELECT 1 AS x")
expect_not_has "timer off" "Run Time" "$out"

out=$("$TARN" -c ".mode json" -c ".mode")
expect_has ".mode shows the current mode" "json" "$out"
out=$("$TARN" -c ".mode list" -c ".headers off" -c "SELECT 1 AS a, 2 AS b" -c ".headers on" -c "SELECT 3 AS c")
expect_eq ".headers in list mode" '1|2
c
3' "$out"
for m in box csv json line list markdown; do
    out=$("$TARN" -c ".mode $m" -c "SELECT 12345 AS v"); rc=$?
    expect_rc ".mode $m status" 0 $rc
    expect_has ".mode $m output" "12345" "$out"
done
out=$("$TARN" -c ".mode duckbox" -c "SELECT 1 AS v")
expect_has ".mode duckbox is box" "┌" "$out"
out=$("$TARN" -json -c "SELECT 1 AS a" -c "SELECT 2 AS b")
expect_eq "json: one array per statement" '[{"a":1}]
[{"b":2}]' "$out"

out=$("$TARN" -c ".help")
expect_has "help" ".mode" "$out"

out=$("$TARN" -c ".quit" -c "SELECT 1")
expect_eq "quit stops" "" "$out"

# ---- script files and stdin ----
cat > "$tmp/script.sql" <<'SQL'
-- a comment line
.mode csv
SELECT 1 AS a,
       'semi;colon' AS b;   -- trailing comment
/* block
   comment; with a semicolon */
SELECT 'it''s' AS c; SELECT 2 AS d
;
.mode list
SELECT 5 AS e
SQL
expected='a,b
1,semi;colon
c
it'"'"'s
d
2
e
5'
out=$("$TARN" "$tmp/script.sql"); rc=$?
expect_rc "script status" 0 $rc
expect_eq "script file" "$expected" "$out"
out=$("$TARN" < "$tmp/script.sql"); rc=$?
expect_rc "stdin status" 0 $rc
expect_eq "stdin script" "$expected" "$out"
out=$(printf 'SELECT 7 AS s;\n' | "$TARN" -csv)
expect_eq "stdin pipe" 's
7' "$out"

# statement ends are found the way the SQL tokenizer sees them: E'' strings with backslash
# escapes, nested block comments, quoted identifiers, a ';' inside a trailing line comment
cat > "$tmp/lexical.sql" <<'SQL'
SELECT E'it\'s; fine' AS a;
SELECT /* outer /* inner; */ still; */ 2 AS b;
SELECT 'x''y;' AS c;
SELECT 3 AS "we;ird"; SELECT 4 AS d -- tail;
;
SQL
out=$("$TARN" -csv "$tmp/lexical.sql"); rc=$?
expect_rc "lexical script status" 0 $rc
expect_eq "lexical script" 'a
it'"'"'s; fine
b
2
c
x'"'"'y;
we;ird
3
d
4' "$out"

# a statement without a final ';' still runs at the end of the input
out=$(printf 'SELECT 8 AS last' | "$TARN" -csv)
expect_eq "stdin without final semicolon" 'last
8' "$out"
# an incomplete statement at the end is an error pointing at the end of the text
err=$(printf 'SELECT 1 +\n' | "$TARN" -csv 2>&1 >/dev/null); rc=$?
expect_rc "incomplete statement status" 1 $rc
expect_has "incomplete statement message" "syntax error at end of input" "$err"
expect_has "incomplete statement position" "LINE 1: SELECT 1 +" "$err"

printf '.mode csv\nSELECT 11 AS r;\n' > "$tmp/inner.sql"
out=$("$TARN" -c ".read $tmp/inner.sql")
expect_eq ".read" 'r
11' "$out"

# ---- errors ----
err=$("$TARN" -c "SELEC 1" 2>&1 >/dev/null); rc=$?
expect_rc "syntax error status" 1 $rc
expect_has "syntax error message" "Error: " "$err"

out=$("$TARN" -csv -c "SELECT 1 AS a; SELECT * FROM no_such_table_xyz; SELECT 3 AS c" 2>"$tmp/err"); rc=$?
expect_rc "error in -c status" 1 $rc
expect_eq "output before the error" 'a
1' "$out"
expect_has "error on stderr" "Error: " "$(cat "$tmp/err")"

out=$("$TARN" -csv -c "SELECT 1/0" 2>"$tmp/err"); rc=$?
expect_rc "division by zero status" 1 $rc
expect_has "division by zero message" "Error: " "$(cat "$tmp/err")"

printf 'SELECT 1 AS a;\nSELECT nonsense(;\nSELECT 2 AS b;\n' > "$tmp/bad.sql"
out=$("$TARN" -csv "$tmp/bad.sql" 2>/dev/null); rc=$?
expect_rc "script error status" 1 $rc
expect_eq "script stops at the first error" 'a
1' "$out"
out=$("$TARN" -csv < "$tmp/bad.sql" 2>/dev/null); rc=$?
expect_rc "stdin script error status" 1 $rc

printf 'SELECT 1;\0SELECT 2;\n' > "$tmp/nul.sql"
err=$("$TARN" -csv "$tmp/nul.sql" 2>&1 >/dev/null); rc=$?
expect_rc "NUL byte status" 1 $rc
expect_has "NUL byte message" "NUL byte" "$err"
# binary garbage is a syntax error, never a crash
head -c 4096 /dev/urandom > "$tmp/garbage.sql"
"$TARN" -csv "$tmp/garbage.sql" >/dev/null 2>&1; rc=$?
expect_rc "garbage input status" 1 $rc

"$TARN" -c ".nosuchcommand" >/dev/null 2>&1; rc=$?
expect_rc "unknown dot command status" 1 $rc
"$TARN" -nosuchoption >/dev/null 2>&1; rc=$?
expect_rc "unknown option status" 1 $rc
"$TARN" "$tmp/does_not_exist.sql" >/dev/null 2>&1; rc=$?
expect_rc "missing script status" 1 $rc

out=$("$TARN" -version); rc=$?
expect_rc "version status" 0 $rc
expect_has "version" "tarn " "$out"
out=$("$TARN" -help); rc=$?
expect_rc "help status" 0 $rc
expect_has "help text" "-csv" "$out"

# ---- interactive mode (needs a terminal: util-linux `script` provides one) ----
if command -v script >/dev/null 2>&1; then
    mkdir -p "$tmp/home"
    out=$(printf 'SELECT 1\n AS first;\nSELEC oops;\n.mode csv\nSELECT 2 AS second;\n.quit\n' |
          HOME="$tmp/home" timeout 30 script -qec "$TARN" /dev/null 2>&1); rc=$?
    expect_rc "interactive status" 0 $rc
    expect_has "interactive banner" "Enter \".help\" for usage hints." "$out"
    expect_has "interactive prompt" "tarn> " "$out"
    expect_has "interactive continuation prompt" "   ...> " "$out"
    expect_match "interactive box result" '│ +1 │' "$out"
    expect_has "interactive keeps going after an error" "Error: syntax error" "$out"
    expect_has "interactive csv after .mode" "second" "$out"
    if [ -f "$tmp/home/.tarn_history" ] && grep -q "second" "$tmp/home/.tarn_history"; then ok
    else bad "interactive: ~/.tarn_history not written"; fi
    # end of input (Ctrl-D) ends the session with status 0, running nothing pending
    out=$(printf 'SELECT 5 AS five;\n' | HOME="$tmp/home" timeout 30 script -qec "$TARN" /dev/null 2>&1); rc=$?
    expect_rc "interactive EOF status" 0 $rc
    expect_match "interactive EOF result" '│ +5 │' "$out"
else
    echo "SKIP: interactive checks (no 'script' command to provide a terminal)"
fi

# ---- -C changes directory (relative COPY target lands there) ----
mkdir -p "$tmp/sub"
"$TARN" -C "$tmp/sub" -c "COPY (SELECT 1 AS x) TO 'out.parquet' (FORMAT parquet)" >/dev/null 2>&1
if [ -f "$tmp/sub/out.parquet" ]; then ok; else bad "-C: out.parquet not written in the directory"; fi
out=$("$TARN" -C "$tmp/sub" -csv -c "SELECT x FROM 'out.parquet'" 2>&1)
expect_eq "-C read back" 'x
1' "$out"

echo "test_shell: $checks checks, $fails failures"
[ "$fails" -eq 0 ]
