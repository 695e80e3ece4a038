#!/usr/bin/env bash
# Builds the optimised native benchmarks and runs one: scripts/bench.sh rings [--quick]
# JSON goes to stdout, progress to stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name="${1:?usage: bench.sh NAME [args]}"; shift
# Only the benchmark asked for: a target that cannot be built (bench_rings without boost's
# headers) then fails here, saying why.
bash "$root/scripts/native-build.sh" plain "bench_$name" >&2
exec "$root/build-native/plain/bench/bench_$name" "$@"
