// Windows: VirtualLock keeps pages in the process's working set. Its quota is small by default
// (a few hundred KiB of locked pages), so a lock that fails for quota grows the working set's
// minimum by the region and tries once more; without that right, pre-faulting alone remains.
#include "platform/windows.hpp"

#include "platform/memory_lock.hpp"

namespace ringmix::platform {

std::size_t pageSize() noexcept {
  static const std::size_t size = [] {
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return info.dwPageSize > 0 ? static_cast<std::size_t>(info.dwPageSize) : 4096;
  }();
  return size;
}

namespace {

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
  touchPages(data, bytes);
  void* address = const_cast<void*>(data);
  if (VirtualLock(address, bytes)) return true;
  return GetLastError() == ERROR_WORKING_SET_QUOTA && growWorkingSet(bytes) && VirtualLock(address, bytes);
}

void unlockMemory(const void* data, std::size_t bytes) noexcept {
  if (data != nullptr && bytes != 0) VirtualUnlock(const_cast<void*>(data), bytes);
}

}  // namespace ringmix::platform
