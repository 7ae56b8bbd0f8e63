#!/usr/bin/env bash
# test.sh -- README quick start, command 2: install what is missing, then build and run the whole
# test suite twice: a normal build (build/) and an ASan+UBSan build (build-asan/).
# Exit status is non-zero if any build warns (warnings are errors) or any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Peer engine for cross-checks (DuckDB from npm). Best effort: tests that need it skip without it.
if command -v npm >/dev/null && [ ! -d bench/node_modules/@duckdb/node-api ]; then
    (cd bench && timeout 300 npm install --no-audit --no-fund --silent @duckdb/node-api >/dev/null 2>&1) ||
        echo "test.sh: could not install @duckdb/node-api; peer tests will skip"
fi
jobs=$(nproc 2>/dev/null || echo 2)
status=0
for kind in normal asan; do
    echo "=== $kind build ==="
    ./scripts/build.sh "$kind"
    dir=build; [ "$kind" = asan ] && dir=build-asan
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    if ! ctest --test-dir "$dir" --output-on-failure -j "$jobs"; then
        status=1
    fi
done
# libFuzzer targets (clang): every decoder of untrusted bytes runs for a bounded short time.
echo "=== fuzz smoke (clang, libFuzzer) ==="
if cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DTARN_FUZZ=ON >/dev/null &&
   cmake --build build-fuzz -j "$jobs" --target fuzz_seedgen \
       $(for f in test/fuzz/fuzz_*.c; do basename "$f" .c; done); then
    if ! ctest --test-dir build-fuzz -R '^fuzz\.' --output-on-failure; then
        status=1
    fi
else
    echo "test.sh: fuzz build failed" >&2
    status=1
fi
if [ $status -ne 0 ]; then
    echo "test.sh: FAILED" >&2
else
    echo "test.sh: all tests passed (normal and sanitizer builds)"
fi
exit $status
