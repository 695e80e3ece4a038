#!/usr/bin/env bash
# The native half of `npm test`: the ring and queue tests under ctest in three builds.
#   plain  all tests, optimised
#   nodevices  the engine's cycle tests in a build without PortAudio's header
#   tsan   the multi-threaded stress tests under ThreadSanitizer
#   asan   the unit tests, and closing mixers on real devices (private JACK and PulseAudio
#          servers the test starts itself), under AddressSanitizer + UndefinedBehaviorSanitizer
# Any failure, race report or sanitizer finding fails the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

run() {
  local variant="$1"; shift
  echo "== native tests: $variant ($(date +%T))"
  bash scripts/native-build.sh "$variant"
  ctest --test-dir "build-native/$variant" --output-on-failure --no-tests=error "$@"
}

# Readable sanitizer reports: the clang-19 runtimes do not find an unversioned llvm-symbolizer by
# themselves (reports are then bare addresses); point them at one unless the caller did.
sym="$(command -v llvm-symbolizer-19 || command -v llvm-symbolizer || true)"
if [ -n "$sym" ]; then
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$sym}" TSAN_SYMBOLIZER_PATH="${TSAN_SYMBOLIZER_PATH:-$sym}"
fi

# The device tests (label `devices`: real servers, ~2 minutes of JACK periods) run under ASan below,
# where they mean the most; the plain build runs everything else. Two at a time (-j2): the device
# tests mostly wait on their servers' periods, and the others fill the second core meanwhile.
run plain -LE devices -j2
# The engine as built on a machine without PortAudio's header: devices/no_backend.cpp stands in.
echo "== native tests: nodevices ($(date +%T))"
bash scripts/native-build.sh nodevices engine_tests
"build-native/nodevices/test/engine/engine_tests" --test-suite=engine-cycle
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" run tsan -L stress
# LeakSanitizer: test/engine/lsan.supp lists third-party leaks only (ALSA's unloaded plugins).
ASAN_OPTIONS="detect_leaks=1 abort_on_error=1 strict_string_checks=1" \
LSAN_OPTIONS="suppressions=$root/test/engine/lsan.supp" \
UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1" run asan -L "unit|devices" -j2
