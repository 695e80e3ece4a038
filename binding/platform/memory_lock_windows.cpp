// Windows: VirtualLock keeps pages in the process's working set. Its quota is small by default
// (a few hundred KiB of locked pages), so a lock that fails for quota grows the working set's
// minimum by the region and tries once more; without that right, pre-faulting alone remains.
#include "platform/windows.hpp"

#include <atomic>

#include "platform/memory_lock.hpp"

namespace ringmix::platform {

namespace {

std::size_t pageSize() noexcept {
  static const std::size_t size = [] {
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return info.dwPageSize > 0 ? static_cast<std::size_t>(info.dwPageSize) : 4096;
  }();
  return size;
}

bool growWorkingSet(std::size_t bytes) noexcept {
  SIZE_T minimum = 0, maximum = 0;
  const HANDLE self = GetCurrentProcess();
  if (!GetProcessWorkingSetSize(self, &minimum, &maximum)) return false;
  const SIZE_T extra = bytes + 2 * pageSize();  // the region may straddle one more page each side
  return SetProcessWorkingSetSize(self, minimum + extra, maximum > minimum + extra ? maximum : minimum + extra) != 0;
}

}  // namespace

bool lockMemory(const void* data, std::size_t bytes) noexcept {
  if (data == nullptr || bytes == 0) return false;
  // Read one byte per page through a volatile pointer, as on POSIX: the page is mapped now.
  const auto* p = static_cast<const volatile unsigned char*>(data);
  unsigned char sink = 0;
  for (std::size_t off = 0; off < bytes; off += pageSize()) sink ^= p[off];
  sink ^= p[bytes - 1];
  static std::atomic<unsigned char> keep{0};
  keep.fetch_xor(sink, std::memory_order_relaxed);
  void* address = const_cast<void*>(data);
  if (VirtualLock(address, bytes)) return true;
  return GetLastError() == ERROR_WORKING_SET_QUOTA && growWorkingSet(bytes) && VirtualLock(address, bytes);
}

void unlockMemory(const void* data, std::size_t bytes) noexcept {
  if (data != nullptr && bytes != 0) VirtualUnlock(const_cast<void*>(data), bytes);
}

}  // namespace ringmix::platform
