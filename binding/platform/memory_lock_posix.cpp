#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#include "memory_lock.hpp"

namespace ringmix::platform {

std::size_t pageSize() noexcept {
  static const long size = sysconf(_SC_PAGESIZE);
  return size > 0 ? static_cast<std::size_t>(size) : 4096;
}

bool lockMemory(const void* data, std::size_t bytes) noexcept {
  if (data == nullptr || bytes == 0) return false;
  touchPages(data, bytes);
  return mlock(data, bytes) == 0;
}

void unlockMemory(const void* data, std::size_t bytes) noexcept {
  if (data != nullptr && bytes != 0) munlock(data, bytes);
}

}  // namespace ringmix::platform
