// dlopen on Linux and macOS (both have RTLD_NOLOAD and RTLD_DEFAULT).
#include <dlfcn.h>

#include "platform/dynamic_library.hpp"

namespace ringmix::platform {

DynamicLibrary DynamicLibrary::load(std::span<const char* const> names, bool loadedOnly) {
  // RTLD_NOLOAD hands out a new reference to a library already mapped (closed by the destructor).
  const int flags = loadedOnly ? RTLD_NOW | RTLD_NOLOAD : RTLD_NOW | RTLD_LOCAL;
  DynamicLibrary lib;
  for (const char* name : names) {
    if (name == nullptr) continue;
    if ((lib.handle_ = dlopen(name, flags)) != nullptr) {
      lib.owned_ = true;
      lib.error_.clear();
      break;
    }
    // dlerror() is per thread and cleared by reading: take it now, for the last candidate's text.
    const char* why = dlerror();
    lib.error_ = why ? why : "not found";
  }
  if (!lib.handle_ && lib.error_.empty()) lib.error_ = "not found";
  return lib;
}

void* DynamicLibrary::symbol(const char* name) const noexcept {
  return handle_ != nullptr ? dlsym(handle_, name) : nullptr;
}

void* globalSymbol(const char* name) noexcept { return dlsym(RTLD_DEFAULT, name); }

namespace detail {
void closeLibraryHandle(void* handle) noexcept { dlclose(handle); }
}  // namespace detail

const LibraryNames& libraryNames() noexcept {
#if defined(__APPLE__)
  // Homebrew installs outside the default search path on Apple silicon (/opt/homebrew) and keeps
  // /usr/local on Intel: full paths after the bare names, which honour DYLD_LIBRARY_PATH.
  static constexpr const char* portAudio[] = {"libportaudio.2.dylib", "libportaudio.dylib",
                                              "/opt/homebrew/lib/libportaudio.2.dylib",
                                              "/usr/local/lib/libportaudio.2.dylib"};
  static constexpr const char* jack[] = {"libjack.0.dylib", "/opt/homebrew/lib/libjack.0.dylib",
                                         "/usr/local/lib/libjack.0.dylib"};
  static const LibraryNames names{portAudio, jack, {},
                                  "install PortAudio (Homebrew: brew install portaudio) to use audio devices"};
#else
  static constexpr const char* portAudio[] = {"libportaudio.so.2", "libportaudio.so"};
  static constexpr const char* jack[] = {"libjack.so.0"};
  static constexpr const char* alsa[] = {"libasound.so.2"};
  static const LibraryNames names{portAudio, jack, alsa,
                                  "install PortAudio (Debian/Ubuntu: apt-get install libportaudio2) to use audio devices"};
#endif
  return names;
}

}  // namespace ringmix::platform
