#!/usr/bin/env bash
# The JS half of `npm test`: jest against the built package, with the real-time guard preloaded so
# every test file also proves no allocation or lock happened on a real-time thread.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
guard="$root/build-native/plain/test/rtguard/librtguard.so"
[ -f "$guard" ] || bash "$root/scripts/native-build.sh" plain >/dev/null
cd "$root"
# Private audio servers for the device tests (test/helpers/servers.ts starts them), named for this
# run in every jest worker's environment.
source "$root/scripts/audio-env.sh" test
export LD_PRELOAD="$guard${LD_PRELOAD:+:$LD_PRELOAD}"
if [ $# -gt 0 ]; then
  npx jest "$@"
  exit
fi
# The device tests start their servers under the one JACK name and PulseAudio directory above: two
# such files at once would share, and stop, each other's servers. So they run one at a time, after
# the rest (which run in parallel), each in a jest of its own: PortAudio's state (the servers it is
# connected to) must not outlive its file either.
echo "== jest ($(date +%T))"
npx jest --testPathIgnorePatterns '/test/devices-'
failed=0
echo "== jest, device tests one file at a time ($(date +%T))"
for f in test/devices-*.test.ts; do npx jest "$f" || failed=1; done
exit "$failed"
