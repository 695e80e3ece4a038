// Module entry point.
#include "addon.hpp"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "args.hpp"
#include "async_workers.hpp"
#include "devices/device_list.hpp"
#include "engine/config.hpp"
#include "mixer_wrap.hpp"
#include "platform/rt_scope.hpp"
#include "rt/cache_line.hpp"
#include "tap_wrap.hpp"

namespace ringmix::addon {

RingmixAddon::RingmixAddon(Napi::Env env, Napi::Object exports) {
  Napi::Function tap = TapWrap::Define(env);
  tapConstructor = Napi::Persistent(tap);
  DefineAddon(exports,
              {InstanceMethod<&RingmixAddon::guard<&RingmixAddon::Info>>("info", napi_enumerable),
               InstanceMethod<&RingmixAddon::guard<&RingmixAddon::RtGuardCounts>>("rtGuardCounts", napi_enumerable),
               InstanceMethod<&RingmixAddon::guard<&RingmixAddon::RtGuardSelfTest>>("rtGuardSelfTest", napi_enumerable),
               InstanceMethod<&RingmixAddon::guard<&RingmixAddon::RtGuardReset>>("rtGuardReset", napi_enumerable),
               InstanceMethod<&RingmixAddon::guard<&RingmixAddon::ListDevices>>("listDevices", napi_enumerable),
               InstanceMethod<&RingmixAddon::guard<&RingmixAddon::RescanDevices>>("rescanDevices", napi_enumerable),
               InstanceValue("Mixer", MixerWrap::Define(env), napi_enumerable),
               InstanceValue("Tap", tap, napi_enumerable)});
}

// Build facts JS can check at load time (and print in bug reports).
Napi::Value RingmixAddon::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", RINGMIX_VERSION);
  o.Set("napiVersion", NAPI_VERSION);
  o.Set("cacheLineBytes", static_cast<double>(rt::kCacheLine));
  o.Set("lockFree64", std::atomic<std::uint64_t>::is_always_lock_free);
  o.Set("maxInputs", static_cast<double>(engine::kMaxInputs));
  // Built with PortAudio's header: device calls work where its library loads at run time.
  o.Set("deviceSupport", RINGMIX_DEVICE_SUPPORT != 0);
  // The widest kernels this CPU runs (read at load; RINGMIX_NO_AVX512=1 caps them at AVX).
  o.Set("simd", engine::simd::kCpuHasAvx512 ? "avx512" : engine::simd::kCpuHasAvx ? "avx" : "baseline");
#if defined(__clang__)
  o.Set("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  o.Set("compiler", "gcc " __VERSION__);
#else
  o.Set("compiler", "unknown");
#endif
  return o;
}

// What the test-suite's allocation/lock guard counted on real-time threads, or null when the
// guard is not loaded (it is LD_PRELOADed by `npm test`).
Napi::Value RingmixAddon::RtGuardCounts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const platform::RtHooks& h = platform::initRtHooks();
  if (h.counts == nullptr) return env.Null();
  unsigned long long c[3] = {0, 0, 0};
  h.counts(c);
  Napi::Object o = Napi::Object::New(env);
  o.Set("allocations", static_cast<double>(c[0]));
  o.Set("frees", static_cast<double>(c[1]));
  o.Set("locks", static_cast<double>(c[2]));
  return o;
}

// Proves the guard can see a violation: allocates, frees and locks inside a real-time scope and
// returns what the guard counted. Only for the guard's own test, which then calls rtGuardReset().
Napi::Value RingmixAddon::RtGuardSelfTest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const platform::RtHooks& h = platform::initRtHooks();
  if (h.counts == nullptr) return env.Null();
  unsigned long long before[3], after[3];
  h.counts(before);
  {
    static std::mutex m;
    platform::RtScope rt;
    void* volatile p = std::malloc(64);
    std::free(p);
    int* volatile q = new int(1);
    delete q;
    std::lock_guard<std::mutex> lock(m);
  }
  h.counts(after);
  Napi::Object o = Napi::Object::New(env);
  o.Set("allocations", static_cast<double>(after[0] - before[0]));
  o.Set("frees", static_cast<double>(after[1] - before[1]));
  o.Set("locks", static_cast<double>(after[2] - before[2]));
  return o;
}

// listDevices(rescan?: boolean) -> { devices, hostApis, rescanned }: the cached list (read once,
// on first use), or with rescan a fresh one (blocking: rescanDevices() does it on a worker thread).
// Throws ERR_NO_AUDIO_BACKEND.
Napi::Value RingmixAddon::ListDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool rescan = false;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsBoolean()) throw typeError(env, "rescan must be a boolean");
    rescan = info[0].As<Napi::Boolean>().Value();
  }
  return deviceListToJs(env, devices::deviceList(rescan));
}

// rescanDevices() -> Promise<{ devices, hostApis, rescanned }>
Napi::Value RingmixAddon::RescanDevices(const Napi::CallbackInfo& info) { return RescanWorker::Start(info.Env()); }

Napi::Value RingmixAddon::RtGuardReset(const Napi::CallbackInfo& info) {
  const platform::RtHooks& h = platform::initRtHooks();
  if (h.reset) h.reset();
  return info.Env().Undefined();
}

}  // namespace ringmix::addon

// The macro pastes the class name into an identifier, so it needs an unqualified name.
using ringmix::addon::RingmixAddon;
NODE_API_ADDON(RingmixAddon)
