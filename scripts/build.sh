#!/usr/bin/env bash
# build.sh [normal|asan] -- configure and build tarn into build/ (normal, RelWithDebInfo) or
# build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-normal}
jobs=$(nproc 2>/dev/null || echo 2)
case "$kind" in
    normal) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
    release) dir=build-release; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
    asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DTARN_SANITIZE=ON) ;;
    *) echo "usage: $0 [normal|release|asan]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$jobs"
