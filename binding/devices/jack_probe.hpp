// Whether the JACK server this process talks to has gone away. PortAudio cannot stop or close a
// stream whose JACK server died (it waits forever for a process thread that is gone), and Debian's
// PortAudio aborts the process if it is terminated in that state; so before either, we ask JACK.
#pragma once

namespace ringmix::devices {

// Opens (and closes) a probe client without starting a server: fails exactly when no server is
// reachable. Only meaningful when libjack is loaded (PortAudio's JACK host API is in use); false
// otherwise. Once it has said "gone" it keeps saying so: PortAudio's JACK host API does not
// reconnect. Blocking (a client round trip); control side.
bool jackServerGone();

}  // namespace ringmix::devices
