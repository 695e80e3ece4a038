# Sourced (not run) by the scripts that start private audio servers from node: scripts/test-js.sh
# for the device tests and scripts/soak.sh for the soak test. test/helpers/servers.ts starts the
# servers; this sets the names they run under. The names must be in the real process environment
# before PortAudio loads, which a process cannot do for itself once running (and jest's sandboxed
# process.env cannot do at all), so they are set here, for every node process the caller starts.
# $1: what the JACK server name says it is for (test, soak).
#
# JACK keeps a table of at most 8 servers in /dev/shm, and a server that had to be killed leaves
# its entry there for good ("Too many servers already active"). With no jackd running, nothing in
# there is live: clear it, so earlier crashed runs cannot make this one fail.
if ! grep -qsx jackd /proc/[0-9]*/comm; then rm -rf /dev/shm/jack-* /dev/shm/jack_* 2>/dev/null || true; fi
export JACK_DEFAULT_SERVER="ringmix-${1:-test}-$$"
export JACK_NO_START_SERVER=1
PULSE_RUNTIME_PATH="$(mktemp -d)"
export PULSE_RUNTIME_PATH
trap 'rm -rf "$PULSE_RUNTIME_PATH"' EXIT
