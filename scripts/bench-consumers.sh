#!/usr/bin/env bash
# npm run bench:consumers [-- --quick]: the consumers benchmark (bench/consumers/), run by jest so
# that it can use the tests' private icecast2. JSON on stdout, jest's report on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  case "$arg" in
    --quick) export RINGMIX_BENCH_QUICK=1 ;;
    *) echo "bench:consumers: unknown option $arg (only --quick)" >&2; exit 2 ;;
  esac
done
exec npx jest --config bench/consumers/jest.config.js --runInBand
