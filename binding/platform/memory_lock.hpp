// Keeps memory the real-time threads use resident: a page fault on an audio thread is a disk or
// zeroing wait in the middle of a cycle. Best effort: without the privilege (Linux: CAP_IPC_LOCK
// or a large enough RLIMIT_MEMLOCK; Windows: a working set the process may grow) the lock fails
// quietly and the memory merely stays pre-faulted. mlock on Linux and macOS (memory_lock_posix.cpp),
// VirtualLock on Windows (memory_lock_windows.cpp). Control-side calls.
#pragma once

#include <cstddef>

namespace ringmix::platform {

// Touches every page of [data, data + bytes) (so it is backed now, not at first use on a
// real-time thread) and tries to lock it in RAM. Returns whether the lock succeeded.
bool lockMemory(const void* data, std::size_t bytes) noexcept;
void unlockMemory(const void* data, std::size_t bytes) noexcept;

// The system's page size (per OS), and the touching lockMemory() does first on every system
// (memory_lock.cpp): one byte read per page, so each is backed now.
std::size_t pageSize() noexcept;
void touchPages(const void* data, std::size_t bytes) noexcept;

// Locks a region for as long as it lives (unlocked on destruction, before the memory is freed).
class LockedRegion {
 public:
  LockedRegion(const void* data, std::size_t bytes) noexcept
      : data_(data), bytes_(bytes), locked_(lockMemory(data, bytes)) {}
  ~LockedRegion() {
    if (locked_) unlockMemory(data_, bytes_);
  }
  LockedRegion(const LockedRegion&) = delete;
  LockedRegion& operator=(const LockedRegion&) = delete;
  bool locked() const noexcept { return locked_; }

 private:
  const void* data_;
  std::size_t bytes_;
  bool locked_;
};

}  // namespace ringmix::platform
