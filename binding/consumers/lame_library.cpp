#include "consumers/lame_library.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace ringmix::consumers {

namespace {

constexpr const char* kSoname = "libmp3lame.so.0";
constexpr const char* kInstallHint = "install libmp3lame0 (Debian/Ubuntu) to record MP3";

LameLibrary load() {
  LameLibrary out;
  const char* override = std::getenv("RINGMIX_LAME_LIBRARY");
  const bool overridden = override != nullptr && *override != '\0';
  const std::string name = overridden ? override : kSoname;
  // RTLD_LOCAL: LAME's symbols stay out of the global namespace (another copy of LAME loaded by
  // the host process, e.g. inside ffmpeg's libraries, is not disturbed). Never dlclosed: writers
  // on any thread may hold encoders, and a process-lifetime table needs no reference counting.
  void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    out.error = name + (overridden ? " (RINGMIX_LAME_LIBRARY)" : "") + " not found: " + kInstallHint +
                " (" + (why ? why : "dlopen failed") + ")";
    return out;
  }
  static LameApi api;  // filled once, under the guard of lameLibrary()'s static
  std::string missing;
#define RINGMIX_LAME_RESOLVE(fn)                                         \
  api.fn = reinterpret_cast<decltype(api.fn)>(dlsym(lib, #fn));          \
  if (api.fn == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(#fn);
  RINGMIX_LAME_FUNCTIONS(RINGMIX_LAME_RESOLVE)
#undef RINGMIX_LAME_RESOLVE
  if (!missing.empty()) {
    // An old or foreign build (the float entry points came with LAME 3.100): refuse it whole
    // rather than fail at the first call that needs a missing function.
    dlclose(lib);
    out.error = name + " lacks " + missing + ": " + kInstallHint + " (LAME 3.100 or later)";
    return out;
  }
  out.api = &api;
  return out;
}

}  // namespace

const LameLibrary& lameLibrary() {
  // A function-local static: C++ runs load() exactly once, other threads wait for it.
  static const LameLibrary library = load();
  return library;
}

}  // namespace ringmix::consumers
