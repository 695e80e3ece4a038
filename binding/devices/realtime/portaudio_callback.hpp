// What a PortAudio stream's callback reaches, and the callback itself: the only device-layer code
// that runs on a real-time thread. Real-time code.
//
// StreamCore is allocated when the stream opens and freed only after Pa_CloseStream returned; a
// stream that cannot be closed (its server died) keeps it forever: a tombstone of a few bytes that
// any late callback can still safely touch. The engine's context is reached only through the gate.
#pragma once

#include <portaudio.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "devices/stream_buffers.hpp"
#include "platform/clock.hpp"
#include "platform/rt_scope.hpp"
#include "platform/thread_priority.hpp"
#include "rt/callback_gate.hpp"

namespace ringmix::devices {

struct StreamCore {
  StreamCore(StreamCallback fn, void* ctx, int in, int out) : callback(fn), context(ctx), inChannels(in), outChannels(out) {}

  const StreamCallback callback;
  void* const context;
  const int inChannels, outChannels;
  rt::CallbackGate gate;
  std::atomic<std::uint64_t> callbacks{0};
  std::atomic<std::int64_t> lastCallbackNs{0};
  std::atomic<int> priority{-1};      // the callback thread's scheduling, recorded once
  std::atomic<bool> running{false};   // started by us and not stopped by us
  std::atomic<bool> finished{false};  // PortAudio said it stopped while we had it running
};

inline int portAudioCallback(const void* in, void* out, unsigned long frames, const PaStreamCallbackTimeInfo*,
                             PaStreamCallbackFlags flags, void* user) {
  platform::RtScope rt;
  auto* core = static_cast<StreamCore*>(user);
  core->callbacks.store(core->callbacks.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  core->lastCallbackNs.store(platform::nowNs(), std::memory_order_relaxed);
  // Once, so the engine can rank its own threads below this one (two plain system calls).
  if (core->priority.load(std::memory_order_relaxed) < 0)
    core->priority.store(platform::currentSchedule().priority, std::memory_order_relaxed);
  if (!core->gate.enter()) {
    if (out) std::memset(out, 0, frames * static_cast<unsigned long>(core->outChannels) * sizeof(float));
    return paContinue;
  }
  core->callback(core->context,
                 StreamBuffers{static_cast<const float*>(in), static_cast<float*>(out), static_cast<std::uint32_t>(frames),
                               static_cast<std::uint32_t>(core->inChannels), static_cast<std::uint32_t>(core->outChannels),
                               (flags & paInputOverflow) != 0, (flags & paOutputUnderflow) != 0});
  core->gate.leave();
  return paContinue;
}

// Called when the stream stops, whether we stopped it or it died (device unplugged, server gone).
// Only the second is a failure.
inline void portAudioFinished(void* user) {
  auto* core = static_cast<StreamCore*>(user);
  if (core->running.load(std::memory_order_acquire)) core->finished.store(true, std::memory_order_release);
}

}  // namespace ringmix::devices
