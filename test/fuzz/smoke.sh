#!/usr/bin/env bash
# smoke.sh -- the fuzz.smoke CTest test: generate seed corpora (seedgen), then run every libFuzzer
# target for FUZZ_SMOKE_SECONDS (default 10) on a scratch copy of its corpus. Fails if any target
# reports a crash, leak, UB, timeout or out-of-memory.
# Usage: smoke.sh SEEDGEN BINDIR SHARED SQLDIR target...
set -u
seedgen=$1 bindir=$2 shared=$3 sqldir=$4
shift 4
secs=${FUZZ_SMOKE_SECONDS:-10}
work="$bindir/smoke"
rm -rf "$work"
mkdir -p "$work/artifacts"
"$seedgen" "$work/seeds" "$shared" "$sqldir" || exit 1
fail=0
for t in "$@"; do
  corpus="$work/corpus/$t"
  mkdir -p "$corpus"
  if [ -d "$work/seeds/$t" ]; then cp "$work/seeds/$t/"* "$corpus/" 2>/dev/null; fi
  # the target runs in the scratch dir so nothing it might write lands elsewhere
  if (cd "$work" && "$bindir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$work/artifacts/$t-" -print_final_stats=1 "$corpus" >"$work/$t.log" 2>&1); then
    echo "$t: ok ($(grep -E 'stat::number_of_executed_units' "$work/$t.log" | awk '{print $2}') runs," \
         "$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/$t.log" | tail -1))"
  else
    echo "$t: FAILED -- log $work/$t.log, artifacts in $work/artifacts"
    grep -E 'ERROR|SUMMARY|fuzz_[a-z_]+:' "$work/$t.log" | head -5
    fail=1
  fi
done
exit $fail
