// TapWrap: a JS reader of the mixer's broadcast ring. It reads on the JS thread at its own pace;
// falling behind costs it frames (counted exactly), never the mix.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

#include "engine/control/engine.hpp"
#include "errors.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::addon {

class TapWrap : public Napi::ObjectWrap<TapWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit TapWrap(const Napi::CallbackInfo& info);
  // Called by MixerWrap::OpenTap on a freshly constructed TapWrap.
  void attach(std::shared_ptr<engine::Engine> engine, std::size_t capacityFrames, std::uint32_t id);
  // The argument MixerWrap::OpenTap constructs a Tap with (as a Napi::External).
  static void* constructionToken();

 private:
  using Method = Napi::Value (TapWrap::*)(const Napi::CallbackInfo&);
  template <Method M>
  Napi::Value guard(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&] { return (this->*M)(info); });
  }

  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value ReadInto(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Keeps the ring alive while this reader exists, even after the mixer is closed.
  std::shared_ptr<engine::Engine> engine_;
  std::unique_ptr<rt::SpmcRing<float>::Reader> reader_;
  std::uint32_t id_ = 0;
  std::uint32_t channels_ = 2;
  std::uint64_t capacityFrames_ = 0;
  std::uint64_t readFrames_ = 0;
};

}  // namespace ringmix::addon
