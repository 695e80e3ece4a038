// OutputClock: the master clock when it is an output device. The mix cycle runs inside the
// device's callback and writes straight into its buffer (and to the broadcast ring for every other
// consumer).
#pragma once

#include "portaudio_api.hpp"

#if RINGMIX_HAVE_PORTAUDIO
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "portaudio_stream.hpp"

namespace ringmix::devices {

class OutputClock {
 public:
  // Runs one or more cycles filling `out` (frames × channels, interleaved). `underflow`: the device
  // reported that it ran out of audio before this callback (an xrun). Real-time.
  using CycleFn = void (*)(void* context, const float* in, std::uint32_t inChannels, float* out,
                           std::uint32_t frames, std::int64_t lateNs, bool underflow) noexcept;

  // inputChannels > 0 opens the device duplex (one stream in and out), for inputs on the same
  // device; `in` is then the callback's input buffer.
  OutputClock(int deviceIndex, std::uint32_t sampleRate, std::uint32_t channels, std::uint32_t inputChannels,
              std::uint32_t periodFrames, CycleFn fn, void* context, const std::string& label);
  std::uint32_t inputChannels() const noexcept { return inputChannels_; }

  void start();
  void stop() { stream_->stop(); }

  bool failed() const noexcept { return stream_->failed(); }
  bool finished() const noexcept { return stream_->finished(); }
  void setStalled(bool stalled) noexcept { stream_->setStalled(stalled); }
  std::uint64_t callbacks() const noexcept { return callbacks_.load(std::memory_order_relaxed); }
  std::uint64_t underflows() const noexcept { return underflows_.load(std::memory_order_relaxed); }
  double latency() const noexcept { return stream_->outputLatency(); }
  double inputLatency() const noexcept { return stream_->inputLatency(); }

 private:
  static int onAudio(const void* in, void* out, unsigned long frames, const PaStreamCallbackTimeInfo*,
                     PaStreamCallbackFlags flags, void* self);

  CycleFn fn_;
  void* context_;
  std::uint32_t inputChannels_;
  std::uint32_t sampleRate_;
  std::unique_ptr<PortAudioStream> stream_;
  std::int64_t expectedNs_ = 0;  // when the next callback is due, from the previous one
  std::atomic<std::uint64_t> callbacks_{0};
  std::atomic<std::uint64_t> underflows_{0};
};

}  // namespace ringmix::devices
#endif
