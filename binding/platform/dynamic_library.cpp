// What every implementation shares: ownership of the handle. The system calls are in
// dynamic_library_<os>.cpp.
#include "platform/dynamic_library.hpp"

#include <utility>

namespace ringmix::platform {

DynamicLibrary::~DynamicLibrary() { close(); }

DynamicLibrary::DynamicLibrary(DynamicLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      owned_(std::exchange(other.owned_, false)),
      error_(std::move(other.error_)) {}

DynamicLibrary& DynamicLibrary::operator=(DynamicLibrary&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, nullptr);
    owned_ = std::exchange(other.owned_, false);
    error_ = std::move(other.error_);
  }
  return *this;
}

void DynamicLibrary::close() noexcept {
  if (handle_ != nullptr && owned_) detail::closeLibraryHandle(handle_);
  handle_ = nullptr;
  owned_ = false;
}

}  // namespace ringmix::platform
