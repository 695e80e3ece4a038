// SampleRingWrap: a JS handle on an SpscRing<float> of interleaved frames. JS is the producer
// (write) — the shape of a push input, whose consumer will be the mix cycle — and, for tests and
// tools, may also be the consumer (read). One thread per side, as the ring requires.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

#include "rt/spsc_ring.hpp"

namespace ringmix::addon {

class SampleRingWrap : public Napi::ObjectWrap<SampleRingWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit SampleRingWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);

  // Validates a Float32Array argument holding whole frames; returns its frame count.
  std::size_t framesOf(const Napi::CallbackInfo& info, const char* what, Napi::Float32Array& out);

  std::uint32_t channels_ = 0;
  std::unique_ptr<rt::SpscRing<float>> ring_;
};

}  // namespace ringmix::addon
