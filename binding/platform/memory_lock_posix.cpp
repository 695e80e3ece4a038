#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "memory_lock.hpp"

namespace ringmix::platform {

namespace {
std::size_t pageSize() noexcept {
  static const long size = sysconf(_SC_PAGESIZE);
  return size > 0 ? static_cast<std::size_t>(size) : 4096;
}
}  // namespace

bool lockMemory(const void* data, std::size_t bytes) noexcept {
  if (data == nullptr || bytes == 0) return false;
  // Read one byte per page through a volatile pointer: the page is mapped now. (Buffers are
  // zero-initialised when allocated, so reading is enough; writing would race a live reader.)
  const auto* p = static_cast<const volatile unsigned char*>(data);
  unsigned char sink = 0;
  for (std::size_t off = 0; off < bytes; off += pageSize()) sink ^= p[off];
  sink ^= p[bytes - 1];
  static std::atomic<unsigned char> keep{0};
  keep.fetch_xor(sink, std::memory_order_relaxed);
  return mlock(data, bytes) == 0;
}

void unlockMemory(const void* data, std::size_t bytes) noexcept {
  if (data != nullptr && bytes != 0) munlock(data, bytes);
}

}  // namespace ringmix::platform
