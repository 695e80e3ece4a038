#include "platform/memory_lock.hpp"

#include <atomic>

namespace ringmix::platform {

// Read one byte per page through a volatile pointer: the page is mapped now. (Buffers are
// zero-initialised when allocated, so reading is enough; writing would race a live reader.)
void touchPages(const void* data, std::size_t bytes) noexcept {
  if (data == nullptr || bytes == 0) return;
  const auto* p = static_cast<const volatile unsigned char*>(data);
  unsigned char sink = 0;
  const std::size_t page = pageSize();
  for (std::size_t off = 0; off < bytes; off += page) sink ^= p[off];
  sink ^= p[bytes - 1];
  static std::atomic<unsigned char> keep{0};  // the reads have an effect: never optimised away
  keep.fetch_xor(sink, std::memory_order_relaxed);
}

}  // namespace ringmix::platform
