#!/usr/bin/env bash
# The JS half of `npm test`: jest against the built package, with the real-time guard preloaded so
# every test file also proves no allocation or lock happened on a real-time thread.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
guard="$root/build-native/plain/test/rtguard/librtguard.so"
[ -f "$guard" ] || bash "$root/scripts/native-build.sh" plain >/dev/null
cd "$root"
# Private audio servers for the device tests (test/helpers/servers.ts starts them). The names must
# be in the real process environment before PortAudio loads, which jest's sandboxed process.env
# cannot do, so they are set here for every jest worker.
# JACK keeps a table of at most 8 servers in /dev/shm, and a server that had to be killed leaves
# its entry there for good ("Too many servers already active"). With no jackd running, nothing in
# there is live: clear it, so earlier crashed runs cannot make this one fail.
if ! grep -qsx jackd /proc/[0-9]*/comm; then rm -rf /dev/shm/jack-* /dev/shm/jack_* 2>/dev/null || true; fi
export JACK_DEFAULT_SERVER="ringmix-test-$$"
export JACK_NO_START_SERVER=1
PULSE_RUNTIME_PATH="$(mktemp -d)"
export PULSE_RUNTIME_PATH
trap 'rm -rf "$PULSE_RUNTIME_PATH"' EXIT
export LD_PRELOAD="$guard${LD_PRELOAD:+:$LD_PRELOAD}"
if [ $# -gt 0 ]; then
  npx jest "$@"
  exit
fi
# The device tests start their servers under the one JACK name and PulseAudio directory above: two
# such files at once would share, and stop, each other's servers. So they run one at a time, after
# the rest (which run in parallel), each in a jest of its own: PortAudio's state (the servers it is
# connected to) must not outlive its file either.
npx jest --testPathIgnorePatterns '/test/devices-'
failed=0
for f in test/devices-*.test.ts; do npx jest "$f" || failed=1; done
exit "$failed"
