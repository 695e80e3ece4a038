#!/usr/bin/env bash
# The native half of `npm test`: the ring and queue tests under ctest in three builds.
#   plain  all tests, optimised
#   nodevices  the engine's cycle tests in a build without PortAudio's header
#   tsan   the multi-threaded stress tests under ThreadSanitizer
#   asan   the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
# Any failure, race report or sanitizer finding fails the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

run() {
  local variant="$1"; shift
  echo "== native tests: $variant"
  bash scripts/native-build.sh "$variant"
  ctest --test-dir "build-native/$variant" --output-on-failure --no-tests=error "$@"
}

run plain
# The engine as built on a machine without PortAudio's header: devices/no_backend.cpp stands in.
echo "== native tests: nodevices"
bash scripts/native-build.sh nodevices engine_tests
"build-native/nodevices/test/engine/engine_tests" --test-suite=engine-cycle
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" run tsan -L stress
ASAN_OPTIONS="detect_leaks=1 abort_on_error=1 strict_string_checks=1" \
UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1" run asan -L unit
