#!/usr/bin/env bash
# selftest.sh SLT_RUNNER -- tests of the sqllogictest runner itself (CTest sql.slt_selftest).
# Generates small .test files in $TARN_TEST_TMP: one that exercises every supported record kind
# and must pass completely, and one file per kind of mismatch that must fail exactly once, at
# the right line, while the records after it still run. Checks the exit status, the per-file
# counts, --fail-fast, --summary, --engine and usage errors. The MD5 expectations are computed
# here with md5sum, independently of the runner's own md5.c.
set -u
RUNNER=${1:?usage: selftest.sh SLT_RUNNER}
tmp=${TARN_TEST_TMP:-/tmp}/slt_selftest.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0

ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $1"; }
# expect NAME EXPECTED_STATUS NEEDLE... -- runs $out/$rc from the last run_runner
expect() {
    local name=$1 want=$2
    shift 2
    if [ "$rc" -ne "$want" ]; then bad "$name: exit status $rc, expected $want"; printf '%s\n' "$out" | head -40; return; fi
    for needle in "$@"; do
        case "$out" in *"$needle"*) ;; *) bad "$name: missing [$needle] in output:"; printf '%s\n' "$out" | head -40; return ;; esac
    done
    ok
}
expect_absent() {
    case "$out" in *"$2"*) bad "$1: unexpected [$2] in output:"; printf '%s\n' "$out" | head -40 ;; *) ok ;; esac
}
run_runner() { out=$("$RUNNER" "$@" 2>&1); rc=$?; }
md5_of() { printf "$1" | md5sum | cut -d' ' -f1; }

h10=$(md5_of '0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n')
h4=$(md5_of '0\n1\n2\n3\n')

# ---- a file where every record passes (or is skipped) ----
cat > "$tmp/pass.test" <<EOF
# comment lines are ignored
statement ok
SELECT 1

statement ok
SELECT 1; SELECT 2

query I
SELECT 42
----
42

query IT
SELECT range, 'v' || CAST(range AS VARCHAR) FROM range(3)
----
0	v0
1	v1
2	v2

# SQLite layout: one value per line
query IT
SELECT range, 'v' || CAST(range AS VARCHAR) FROM range(2)
----
0
v0
1
v1

query I rowsort
SELECT range FROM range(3) ORDER BY range DESC
----
0
1
2

query II valuesort
SELECT 3 - range, range FROM range(2)
----
0
1
2
3

query TT
SELECT NULL, ''
----
NULL	(empty)

query II
SELECT 2.9e0, -2.9e0
----
2	-2

query RR
SELECT 1e0 / 3, 2
----
0.333	2.000

query T
SELECT 0.1e0 + 0.2e0
----
0.3

query II
SELECT true, false
----
1	0

query TT
SELECT true, false
----
true	false

# an empty result: no ---- block at all
query I
SELECT 1 WHERE false

statement error
SELECT 1 / 0
----
division by zero

statement error
SELECT 1 / 0
----
<REGEX>:.*by zero.*

statement error
SELECT * FROM no_such_table_for_selftest

query T
SELECT 'abc'
----
<REGEX>:a.c

query T
SELECT 'abc'
----
<!REGEX>:x.*

skipif tarn
query I
SELECT 1
----
2

onlyif otherengine
query I
SELECT 1
----
2

onlyif tarn
query I
SELECT 1
----
1

skipif otherengine
statement ok
SELECT 1

loop i 0 3
query I
SELECT \${i} * 0
----
0

endloop

foreach v 5 7
query I
SELECT \${v} - \${v}
----
0

endloop

hash-threshold 8

query I
SELECT range FROM range(10)
----
10 values hashing to $h10

query I nosort lbl
SELECT range FROM range(4)
----
4 values hashing to $h4

query I nosort lbl
SELECT 3 - range FROM range(4) ORDER BY 1

statement count 5
COPY (SELECT * FROM range(5)) TO '$tmp/count.parquet' (FORMAT parquet)

mode skip

query I
SELECT 1
----
999

mode unskip

onlyif otherengine
halt

halt

query I
SELECT 1
----
999
EOF
run_runner "$tmp/pass.test"
expect "pass file" 0 "ok $tmp/pass.test: 30 passed, 0 failed, 3 skipped" "total: 1 files (0 with failures)"

# ---- require / require-env skip the rest of a file ----
printf 'query I\nSELECT 1\n----\n1\n\nrequire some_extension\n\nquery I\nSELECT 1\n----\n2\n' > "$tmp/require.test"
run_runner "$tmp/require.test"
expect "require" 0 "1 passed, 0 failed, 1 skipped" "SKIP"
printf 'require-env TARN_SELFTEST_SURELY_UNSET\n\nquery I\nSELECT 1\n----\n2\n' > "$tmp/env.test"
run_runner "$tmp/env.test"
expect "require-env unset" 0 "0 passed, 0 failed, 1 skipped" "TARN_SELFTEST_SURELY_UNSET"
printf 'require-env TARN_SELFTEST_VAR\n\nquery T\nSELECT '"'"'${TARN_SELFTEST_VAR}'"'"'\n----\nhello\n' > "$tmp/env2.test"
out=$(TARN_SELFTEST_VAR=hello "$RUNNER" "$tmp/env2.test" 2>&1); rc=$?
expect "require-env substitution" 0 "1 passed, 0 failed, 0 skipped"

# ---- every kind of mismatch fails once, at its line, and the next record still runs ----
# make_fail NAME LINE_OF_FAILING_RECORD BODY [PASSES]: BODY is followed by a passing record;
# PASSES (default 1) records pass in all
make_fail() {
    printf '%s\n\nquery I\nSELECT 7\n----\n7\n' "$3" > "$tmp/$1.test"
    run_runner "$tmp/$1.test"
    expect "mismatch $1" 1 "FAIL $tmp/$1.test:$2"$'\n' "${4:-1} passed, 1 failed, 0 skipped"
}
make_fail wrong_value 1 $'query I\nSELECT 41\n----\n42'
make_fail wrong_columns 1 $'query II\nSELECT 1\n----\n1\t1'
make_fail extra_row 1 $'query I\nSELECT 1\n----\n1\n2'
make_fail missing_row 1 $'query I\nSELECT range FROM range(2)\n----\n0'
make_fail order 1 $'query I\nSELECT range FROM range(2) ORDER BY range DESC\n----\n0\n1'
make_fail null_vs_text 1 $'query T\nSELECT NULL\n----\n(empty)'
make_fail real_digits 1 $'query R\nSELECT 1e0 / 3\n----\n0.334'
make_fail int_truncation 1 $'query I\nSELECT 2.9e0\n----\n3'
make_fail error_expected 1 $'statement error\nSELECT 1'
make_fail error_text 1 $'statement error\nSELECT 1 / 0\n----\nsome other message'
make_fail statement_fails 3 $'# leading comment\n\nstatement ok\nSELECT * FROM no_such_table_for_selftest'
make_fail query_fails 1 $'query I\nSELECT 1 / 0\n----\n1'
make_fail regex 1 $'query T\nSELECT \'abc\'\n----\n<REGEX>:b.*'
make_fail not_regex 1 $'query T\nSELECT \'abc\'\n----\n<!REGEX>:a.*'
make_fail hash 1 $'query I\nSELECT range FROM range(10)\n----\n10 values hashing to 00000000000000000000000000000000'
make_fail hash_count 1 "$(printf 'query I\nSELECT range FROM range(9)\n----\n10 values hashing to %s' "$h10")"
make_fail label 6 $'query I nosort lbl\nSELECT range FROM range(4)\n----\n4 values hashing to '"$h4"$'\n\nquery I nosort lbl\nSELECT range FROM range(5)' 2
make_fail count 1 $'statement count 4\nCOPY (SELECT * FROM range(5)) TO \''"$tmp"$'/count2.parquet\' (FORMAT parquet)'
make_fail loop_body 2 $'loop i 0 2\nquery I\nSELECT ${i}\n----\n0\n\nendloop' 2

# ---- options ----
printf 'query I\nSELECT 1\n----\n2\n\nquery I\nSELECT 1\n----\n3\n' > "$tmp/two.test"
run_runner "$tmp/two.test"
expect "two failures" 1 "0 passed, 2 failed"
run_runner --fail-fast "$tmp/two.test" "$tmp/pass.test"
expect "--fail-fast" 1 "0 passed, 1 failed"
expect_absent "--fail-fast stops before the next file" "ok $tmp/pass.test"
run_runner --summary "$tmp/pass.test" "$tmp/two.test"
expect "--summary" 1 "FAILED $tmp/two.test" "total: 2 files (1 with failures), 30 records passed, 2 failed, 3 skipped"
expect_absent "--summary hides passing files" "ok $tmp/pass.test"
printf 'onlyif duckdb\nquery I\nSELECT 1\n----\n1\n\nskipif duckdb\nquery I\nSELECT 2\n----\n2\n\nonlyif duckdb\nstatement ok\nSELECT 3\n' > "$tmp/engine.test"
run_runner --engine duckdb "$tmp/engine.test"
expect "--engine" 0 "2 passed, 0 failed, 1 skipped"
run_runner "$tmp/engine.test"
expect "without --engine" 0 "1 passed, 0 failed, 2 skipped"
mkdir -p "$tmp/dir/sub"
cp "$tmp/require.test" "$tmp/dir/b.test"
cp "$tmp/two.test" "$tmp/dir/sub/a.slt"
printf 'not a test\n' > "$tmp/dir/ignored.txt"
run_runner "$tmp/dir"
expect "directory" 1 "ok $tmp/dir/b.test" "FAILED $tmp/dir/sub/a.slt" "total: 2 files (1 with failures)"
run_runner --no-such-option "$tmp/pass.test"
expect "unknown option" 2 "usage"
run_runner
expect "no files" 2 "usage"
run_runner "$tmp/does_not_exist.test"
expect "missing file" 1 "FAIL $tmp/does_not_exist.test"

echo "slt selftest: $checks checks, $fails failures"
[ "$fails" -eq 0 ]
