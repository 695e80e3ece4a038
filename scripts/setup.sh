#!/usr/bin/env bash
# One-time setup for a checkout of ringmix: system packages (Debian/Ubuntu), then npm dependencies
# and the native build. Safe to run again: it installs only what is missing.
#
#   bash scripts/setup.sh            build + test dependencies, then npm install
#   bash scripts/setup.sh --system   system packages only
set -euo pipefail
cd "$(dirname "$0")/.."

# Needed to build the addon. The encoders' libraries are linked statically (libFLAC.a, libopus.a,
# libmp3lame.a, and libogg.a which FLAC and Opus use), so the addon needs none of them at run time
# (libmp3lame-dev still pulls in libmp3lame0 as a package dependency; the addon never loads it).
# ccache: the test suite builds the sources four times (plain, ASan, TSan, no devices) and CI does
# it again in every clean clone; scripts/native-build.sh and CI use it when it is there.
BUILD_PKGS=(cmake g++ make ninja-build pkg-config libreaderwriterqueue-dev portaudio19-dev libflac-dev libogg-dev
            libopus-dev libmp3lame-dev ccache)
# Needed to run the test suite: doctest for ctest, clang for the sanitizer builds, real audio
# servers for the device tests (JACK's dummy driver, PulseAudio with a null sink, reached through
# PortAudio's JACK and ALSA host APIs), real decoders (sox, ffmpeg; opus-tools' opusdec and
# opusinfo, which read chained Ogg/Opus streams link by link) that read back the files the
# recorder's writers produce, a real Icecast server for the streaming tests, and libebur128, the
# reference loudness meter the master's meter is cross-checked against (linked by that test only);
# Chromium, the real browser the console example's end-to-end test drives (through playwright-core);
# mingw-w64's cross compiler, which compile-checks the Windows build (scripts/check-windows.sh).
TEST_PKGS=(doctest-dev clang-19 libclang-rt-19-dev jackd2 pulseaudio pulseaudio-utils libasound2-plugins sox ffmpeg
           opus-tools icecast2 libebur128-dev chromium g++-mingw-w64-x86-64-posix)

# Needed by the benchmarks only: boost's lock-free SPSC queue, a baseline of bench:rings (headers).
BENCH_PKGS=(libboost-dev)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${BENCH_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "ringmix setup: this script installs packages with apt-get (Debian/Ubuntu)." >&2
    echo "Elsewhere, install: cmake >= 3.20, a C++20 compiler, moodycamel readerwriterqueue" >&2
    echo "headers, doctest, clang with sanitizer runtimes, and (benchmarks) boost headers;" >&2
    echo "then run npm install." >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "ringmix setup: run as root or install sudo" >&2; exit 1; }
    SUDO="sudo"
  fi
  echo "ringmix setup: installing ${missing[*]}"
  # jackd2 asks whether to enable real-time scheduling for the audio group: answer no up front
  # (the tests run JACK with --no-realtime).
  echo "jackd2 jackd/tweak_rt_limits boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
  # icecast2 asks whether to configure the system-wide server: no (the tests start private ones).
  echo "icecast2 icecast2/icecast-setup boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${1:-}" = "--system" ] && exit 0

# npm ci when the lock file is there (reproducible); it runs the install script, which builds the
# addon, and "prepare", which compiles the TypeScript.
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
