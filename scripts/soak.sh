#!/usr/bin/env bash
# npm run soak [-- --minutes N | --quick] [--period FRAMES]: the soak test (bench/soak/), run by
# jest so that it can use the tests' real-server helpers (JACK's dummy driver, a private icecast2).
# JSON report on stdout; progress and jest's report on stderr; the exit status is the verdict.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) export RINGMIX_SOAK_QUICK=1 ;;
    --minutes)
      [[ "${2:-}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "soak: --minutes needs a number" >&2; exit 2; }
      export RINGMIX_SOAK_MINUTES="$2"
      shift ;;
    --period)
      [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "soak: --period needs a number of frames" >&2; exit 2; }
      export RINGMIX_SOAK_PERIOD="$2"
      shift ;;
    *) echo "soak: unknown option $1 (--minutes N, --quick, --period FRAMES)" >&2; exit 2 ;;
  esac
  shift
done
# The private JACK server's name, as the device tests have it (test/helpers/servers.ts starts it).
source "$root/scripts/audio-env.sh" soak
# In band: the soak runs in this node, with V8's heap sizing made steady. Its young generation is
# pinned to its full size from the start, and its memory reducer is off: otherwise V8 grows the
# young generation under start-up's allocations and shrinks it, and the old one, whenever it sees
# fit (measured: ~28 MB and ~20 MB steps of RSS, at 105 s and 115 s of 3-minute runs), which is
# neither a leak nor ringmix and would swamp the 5% the soak judges. A leak still grows the heap
# (V8 then commits more) or the native memory. Not exec: the EXIT trap audio-env.sh set must run.
node --min-semi-space-size=16 --max-semi-space-size=16 --no-memory-reducer node_modules/jest/bin/jest.js --config bench/soak/jest.config.js --runInBand
