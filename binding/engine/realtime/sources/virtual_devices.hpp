// VirtualDeviceSlots: the virtual devices one host thread drives, whatever their number. A fixed
// array of slots the JS thread fills and clears and the host thread scans every tick: one real-time
// thread serves every virtual device (a thread per device starves a small machine: 120 of them at
// SCHED_FIFO kept a 2-core machine's JS thread from running for minutes).
//
// Retiring a device without a lock: the JS thread clears its slot and notes the host's pass count
// P; every pass that could still have loaded the old pointer ends by P + 1, so once the count
// reaches P + 2 the device may be freed. Slot and pass accesses are sequentially consistent, which
// is what that argument needs (a store to one slot, then a load of the pass counter on one side; an
// increment of the counter, then a load of the slot on the other). A handful of them per tick.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/config.hpp"
#include "engine/realtime/sources/virtual_source.hpp"

namespace ringmix::engine {

class VirtualDeviceSlots {
 public:
  // JS thread. false only if every slot is taken (one per input: cannot happen).
  bool attach(VirtualSource* source) noexcept {
    for (auto& s : slots_) {
      if (s.load(std::memory_order_seq_cst) == nullptr) {
        s.store(source, std::memory_order_seq_cst);
        return true;
      }
    }
    return false;
  }
  // JS thread: returns the pass count from which `source` is no longer used (see above).
  std::uint64_t detach(VirtualSource* source) noexcept {
    for (auto& s : slots_)
      if (s.load(std::memory_order_seq_cst) == source) s.store(nullptr, std::memory_order_seq_cst);
    return passes_.load(std::memory_order_seq_cst) + 2;
  }
  std::uint64_t passes() const noexcept { return passes_.load(std::memory_order_seq_cst); }

  // Host thread: one pass over every attached device.
  void tick(std::int64_t nowNs) noexcept {
    for (auto& s : slots_)
      if (VirtualSource* v = s.load(std::memory_order_seq_cst)) v->tick(nowNs);
    passes_.fetch_add(1, std::memory_order_seq_cst);
  }

 private:
  std::atomic<VirtualSource*> slots_[kMaxInputs] = {};
  std::atomic<std::uint64_t> passes_{0};
};

}  // namespace ringmix::engine
