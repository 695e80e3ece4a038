// VirtualDeviceHost: the one thread that drives every virtual device of a mixer on its own clock
// (engine/realtime/sources/virtual_devices.hpp). Control side: attaching and detaching devices, starting
// and stopping the thread, and knowing when a detached device may be freed.
#pragma once

#include <cstdint>

#include "engine/control/periodic_thread.hpp"
#include "engine/realtime/sources/virtual_devices.hpp"

namespace ringmix::engine {

class VirtualDeviceHost {
 public:
  // Devices tick every `periodNs` of master time (each produces on its own skewed clock).
  explicit VirtualDeviceHost(long double periodNs) : periodNs_(periodNs) {}

  void attach(VirtualSource* source) noexcept { slots_.attach(source); }
  // Returns a ticket: the device may be freed once released(ticket).
  std::uint64_t detach(VirtualSource* source) noexcept { return slots_.detach(source); }
  bool released(std::uint64_t ticket) const noexcept { return !thread_.running() || slots_.passes() >= ticket; }

  void start(int priority) { thread_.start(periodNs_, &VirtualDeviceHost::onTick, this, priority); }
  void stop() { thread_.stop(); }
  bool running() const noexcept { return thread_.running(); }
  bool setPriority(int priority) { return thread_.setPriority(priority); }

 private:
  static void onTick(void* self, const Tick& tick) noexcept {
    static_cast<VirtualDeviceHost*>(self)->slots_.tick(tick.deadlineNs + tick.lateNs);
  }

  const long double periodNs_;
  VirtualDeviceSlots slots_;
  PeriodicThread thread_;
};

}  // namespace ringmix::engine
