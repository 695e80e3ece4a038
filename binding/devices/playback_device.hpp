// PlaybackDevice: an extra output playing the mix (headphones on a second interface): a
// PortAudio output stream reading the broadcast ring at its own clock.
#pragma once

#include "portaudio_api.hpp"

#if RINGMIX_HAVE_PORTAUDIO
#include <cstdint>
#include <memory>
#include <string>

#include "engine/realtime/playback.hpp"
#include "portaudio_stream.hpp"

namespace ringmix::devices {

class PlaybackDevice {
 public:
  // Opens the device with `deviceChannels` at `deviceRate`; resamples from `mixRate` when they
  // differ. Throws DeviceError.
  PlaybackDevice(int deviceIndex, std::uint32_t deviceChannels, std::uint32_t deviceRate,
                 std::uint32_t mixRate, std::uint32_t mixChannels, std::uint32_t periodFrames,
                 rt::SpmcRing<float>& ring, const std::string& label);

  void start() { stream_->start(); }
  void stop() { stream_->stop(); }

  bool failed() const noexcept { return stream_->failed(); }
  bool finished() const noexcept { return stream_->finished(); }
  void setStalled(bool stalled) noexcept { stream_->setStalled(stalled); }
  const engine::PlaybackShared& shared() const noexcept { return shared_; }
  std::uint64_t callbacks() const noexcept { return shared_.callbacks.load(std::memory_order_relaxed); }
  double latency() const noexcept { return stream_->outputLatency(); }

 private:
  static int onAudio(const void* in, void* out, unsigned long frames, const PaStreamCallbackTimeInfo*,
                     PaStreamCallbackFlags flags, void* self);

  engine::PlaybackShared shared_;
  std::unique_ptr<PortAudioStream> stream_;
};

}  // namespace ringmix::devices
#endif
