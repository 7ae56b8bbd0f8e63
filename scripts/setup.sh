#!/usr/bin/env bash
# setup.sh -- README quick start, command 1: install what is missing, build tarn, and run the demo
# (generate sample Parquet data with tarn itself, then run analytic SQL over it with timings).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh normal
./scripts/demo.sh
