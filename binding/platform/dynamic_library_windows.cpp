// LoadLibrary on Windows. A name without a path is searched for the way LoadLibrary does: the
// application's folder, the system folders, then PATH.
#include "platform/windows.hpp"

#include "platform/dynamic_library.hpp"

namespace ringmix::platform {

DynamicLibrary DynamicLibrary::load(std::span<const char* const> names, bool loadedOnly) {
  DynamicLibrary lib;
  for (const char* name : names) {
    if (name == nullptr) continue;
    HMODULE module = nullptr;
    // GetModuleHandleEx without GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT takes a reference,
    // like RTLD_NOLOAD: the destructor's FreeLibrary gives it back.
    if (loadedOnly ? GetModuleHandleExA(0, name, &module) != 0 : (module = LoadLibraryA(name)) != nullptr) {
      lib.handle_ = reinterpret_cast<void*>(module);
      lib.owned_ = true;
      lib.error_.clear();
      break;
    }
    lib.error_ = std::string(name) + ": " + windowsErrorText(GetLastError());
  }
  if (!lib.handle_ && lib.error_.empty()) lib.error_ = "not found";
  return lib;
}

void* DynamicLibrary::symbol(const char* name) const noexcept {
  if (handle_ == nullptr) return nullptr;
  return reinterpret_cast<void*>(GetProcAddress(static_cast<HMODULE>(handle_), name));
}

// Windows has no global symbol scope: the executable's exports are the nearest thing (the test
// guard is an LD_PRELOAD library, so on Windows this finds nothing and the hooks stay null).
void* globalSymbol(const char* name) noexcept {
  return reinterpret_cast<void*>(GetProcAddress(GetModuleHandleA(nullptr), name));
}

namespace detail {
void closeLibraryHandle(void* handle) noexcept { FreeLibrary(static_cast<HMODULE>(handle)); }
}  // namespace detail

const LibraryNames& libraryNames() noexcept {
  // portaudio.dll is PortAudio's own CMake build and vcpkg's; libportaudio-2.dll is MSYS2's;
  // portaudio_x64.dll the name of older Visual Studio builds. JACK for Windows ships libjack64.
  static constexpr const char* portAudio[] = {"portaudio.dll", "libportaudio-2.dll", "portaudio_x64.dll"};
  static constexpr const char* jack[] = {"libjack64.dll"};
  static const LibraryNames names{portAudio, jack, {},
                                  "put PortAudio's portaudio.dll beside node.exe or on PATH to use audio devices"};
  return names;
}

}  // namespace ringmix::platform
