#!/usr/bin/env bash
# Compile-checks the Windows build here, with Debian's mingw-w64 cross compiler: every source the
# Windows addon is built from (everything but *_posix.cpp and *_macos.cpp), syntax and types only
# (-fsyntax-only: nothing links, so Node's import library and the Windows builds of the codecs are
# not needed). The codecs', PortAudio's and readerwriterqueue's headers are Debian's, seen through
# a folder of links so that the rest of /usr/include (glibc) stays out of the Windows compile.
#   bash scripts/check-windows.sh        installs the compiler if missing (apt-get), then checks
# Prints each file checked; exits non-zero if any has an error.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cxx=x86_64-w64-mingw32-g++-posix
if ! command -v "$cxx" >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || { echo "check-windows: $cxx missing and no apt-get to install it" >&2; exit 2; }
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "check-windows: installing g++-mingw-w64-x86-64-posix"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends g++-mingw-w64-x86-64-posix >/dev/null
fi

# Third-party headers, one link each (their folders hold nothing Linux-specific that we include).
inc="$(mktemp -d)"
trap 'rm -rf "$inc"' EXIT
for h in FLAC ogg opus lame readerwriterqueue portaudio.h; do
  [ -e "/usr/include/$h" ] || { echo "check-windows: /usr/include/$h missing (run scripts/setup.sh --system)" >&2; exit 2; }
  ln -s "/usr/include/$h" "$inc/$h"
done
# Node's headers (those of the node running this) and node-addon-api's, for binding/addon/.
node_inc="$(dirname "$(readlink -f "$(command -v node)")")/../include/node"
[ -f "$node_inc/node_api.h" ] || node_inc="$(node -p "process.execPath.replace(/bin\/node$/, 'include/node')")"
napi_inc="$(node -p "require('path').dirname(require.resolve('node-addon-api/package.json'))")"
[ -f "$node_inc/node_api.h" ] || { echo "check-windows: Node's headers not found ($node_inc)" >&2; exit 2; }

flags=(-std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -I binding -isystem "$inc"
       -D FLAC__NO_DLL -D NAPI_VERSION=8 -D NAPI_CPP_EXCEPTIONS -D 'RINGMIX_VERSION="check"' -D RINGMIX_DEVICE_SUPPORT=1)

mapfile -t files < <(find binding -name '*.cpp' ! -name '*_posix.cpp' ! -name '*_macos.cpp' | sort)
failed=0
for f in "${files[@]}"; do
  extra=()
  case "$f" in binding/addon/*) extra=(-isystem "$node_inc" -isystem "$napi_inc") ;; esac
  if "$cxx" "${flags[@]}" "${extra[@]}" "$f"; then
    echo "ok   $f"
  else
    echo "FAIL $f"
    failed=$((failed + 1))
  fi
done
echo "check-windows: ${#files[@]} files checked with $cxx, $failed failed"
[ "$failed" -eq 0 ]
