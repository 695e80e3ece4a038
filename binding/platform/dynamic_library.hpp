// Loading shared libraries at run time (dlopen on Linux and macOS, LoadLibrary on Windows), and
// the names each system gives the libraries ringmix loads that way. The addon links against none
// of them so that it loads (and everything without a device works) where they are missing.
// Control-side calls: loading a library takes the loader's lock and may run its initialisers.
#pragma once

#include <initializer_list>
#include <span>
#include <string>

namespace ringmix::platform {

class DynamicLibrary {
 public:
  DynamicLibrary() noexcept = default;
  ~DynamicLibrary();  // closes the handle (the library stays if something else holds it)
  DynamicLibrary(DynamicLibrary&& other) noexcept;
  DynamicLibrary& operator=(DynamicLibrary&& other) noexcept;
  DynamicLibrary(const DynamicLibrary&) = delete;
  DynamicLibrary& operator=(const DynamicLibrary&) = delete;

  // The first of `names` that loads (null entries are skipped). On failure, error() says why the
  // last candidate tried could not be loaded.
  static DynamicLibrary open(std::span<const char* const> names) { return load(names, false); }
  static DynamicLibrary open(std::initializer_list<const char*> names) {
    return load(std::span(names.begin(), names.size()), false);
  }
  // The first of `names` that is already loaded in the process, without loading anything
  // (RTLD_NOLOAD, GetModuleHandleEx): for reaching into a library someone else chose to load.
  static DynamicLibrary openLoaded(std::span<const char* const> names) { return load(names, true); }

  explicit operator bool() const noexcept { return handle_ != nullptr; }
  // The address of `name` in the library, nullptr when it has no such symbol.
  void* symbol(const char* name) const noexcept;
  template <class Fn>
  Fn function(const char* name) const noexcept {
    return reinterpret_cast<Fn>(symbol(name));
  }
  // Keeps the library loaded for the life of the process (no close on destruction).
  void keepLoaded() noexcept { owned_ = false; }
  const std::string& error() const noexcept { return error_; }

 private:
  static DynamicLibrary load(std::span<const char* const> names, bool loadedOnly);  // per OS
  void close() noexcept;
  void* handle_ = nullptr;
  bool owned_ = false;
  std::string error_;
};

// A symbol anywhere in the process's global scope (dlsym(RTLD_DEFAULT); on Windows the main
// module's exports), nullptr when absent. How an LD_PRELOADed test library is found.
void* globalSymbol(const char* name) noexcept;

// This system's names for the libraries we load, in the order to try them (the first that loads
// wins). Defined with each implementation: dynamic_library_<os>.cpp.
struct LibraryNames {
  std::span<const char* const> portAudio;
  std::span<const char* const> jack;
  std::span<const char* const> alsa;  // empty where there is no ALSA
  const char* portAudioHint;          // how to install PortAudio here, for the error message
};
const LibraryNames& libraryNames() noexcept;

namespace detail {
void closeLibraryHandle(void* handle) noexcept;  // dlclose / FreeLibrary
}  // namespace detail

}  // namespace ringmix::platform
