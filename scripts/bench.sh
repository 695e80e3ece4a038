#!/usr/bin/env bash
# Builds the optimised native benchmarks and runs one: scripts/bench.sh rings [--quick]
# JSON goes to stdout, progress to stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name="${1:?usage: bench.sh NAME [args]}"; shift
bash "$root/scripts/native-build.sh" plain >&2
exec "$root/build-native/plain/bench/bench_$name" "$@"
