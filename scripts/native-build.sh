#!/usr/bin/env bash
# Configures and builds the native tests and benchmarks (not the addon) in build-native/<variant>.
#   scripts/native-build.sh plain|tsan|asan|nodevices [target]
# nodevices: the plain build as on a machine without PortAudio's header (devices/no_backend.cpp).
# Sanitizer variants use clang (RINGMIX_SANITIZER_CXX, default clang++-19): its ThreadSanitizer
# understands the annotations in moodycamel's queue, which GCC 12's does not.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
variant="${1:?usage: native-build.sh plain|tsan|asan|nodevices [target]}"
target="${2:-}"
dir="$root/build-native/$variant"

args=(-S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release)
command -v ninja >/dev/null 2>&1 && args+=(-G Ninja)
case "$variant" in
  plain) ;;
  nodevices) args+=(-DRINGMIX_WITHOUT_PORTAUDIO=ON) ;;
  tsan | asan)
    cxx="${RINGMIX_SANITIZER_CXX:-clang++-19}"
    command -v "$cxx" >/dev/null 2>&1 || {
      echo "native-build: $cxx not found (run scripts/setup.sh, or set RINGMIX_SANITIZER_CXX)" >&2
      exit 1
    }
    args+=(-DCMAKE_CXX_COMPILER="$cxx")
    [ "$variant" = tsan ] && args+=(-DRINGMIX_SANITIZE=thread) || args+=(-DRINGMIX_SANITIZE=address)
    ;;
  *) echo "native-build: unknown variant $variant" >&2; exit 2 ;;
esac

# ccache when installed: unchanged sources compile once across builds and checkouts (CI's clean
# clones). Paths under the checkout are hashed relative to it, so another clone hits the cache.
if command -v ccache >/dev/null 2>&1; then
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
fi

# Reconfigure from scratch if an earlier configure used another generator.
if [ -f "$dir/CMakeCache.txt" ] && ! cmake "${args[@]}" >/dev/null 2>&1; then rm -rf "$dir"; fi
cmake "${args[@]}" >/dev/null
# CMAKE_BUILD_PARALLEL_LEVEL, when set, wins (a helper building beside other work); else every core.
cmake --build "$dir" -j "${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}" ${target:+--target "$target"}
