#!/usr/bin/env bash
# The JS half of `npm test`: jest against the built package, with the real-time guard preloaded so
# every test file also proves no allocation or lock happened on a real-time thread.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
guard="$root/build-native/plain/test/rtguard/librtguard.so"
[ -f "$guard" ] || bash "$root/scripts/native-build.sh" plain >/dev/null
cd "$root"
LD_PRELOAD="$guard${LD_PRELOAD:+:$LD_PRELOAD}" exec npx jest "$@"
