// The device layer of a build without PortAudio's header: everything that needs a device throws
// NoBackendError naming what to install; everything else in ringmix works.
#include "devices/device_errors.hpp"
#include "devices/device_list.hpp"
#include "devices/stream.hpp"

namespace ringmix::devices {

namespace {
constexpr const char* kReason =
    "this build of ringmix has no device support (it was built from source without PortAudio's "
    "header): install PortAudio's development files (Debian/Ubuntu: apt-get install portaudio19-dev), "
    "then rebuild it: npm rebuild ringmix --build-from-source";
}

DeviceList deviceList(bool) { throw NoBackendError(kReason); }
bool backendAvailable() noexcept { return false; }
std::string backendUnavailableReason() { return kReason; }

std::unique_ptr<Stream> openStream(const StreamConfig&, StreamCallback, void*) { throw NoBackendError(kReason); }

}  // namespace ringmix::devices
