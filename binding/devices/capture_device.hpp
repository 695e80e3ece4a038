// CaptureDevice: a PortAudio input stream feeding one mixer input's ring.
#pragma once

#include "portaudio_api.hpp"

#if RINGMIX_HAVE_PORTAUDIO
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/realtime/capture.hpp"
#include "portaudio_stream.hpp"

namespace ringmix::devices {

class CaptureDevice {
 public:
  // Opens `deviceIndex` at `sampleRate` with enough channels to include every one in
  // `channelMap` (device channel numbers, 1 or 2 of them). Throws DeviceError.
  CaptureDevice(int deviceIndex, double sampleRate, const std::vector<std::uint32_t>& channelMap,
                std::uint32_t framesPerBuffer, rt::SpscRing<float>& ring, const std::string& label);

  void start() { stream_->start(); }
  void stop() { stream_->stop(); }

  bool failed() const noexcept { return stream_->failed(); }
  bool finished() const noexcept { return stream_->finished(); }
  void setStalled(bool stalled) noexcept { stream_->setStalled(stalled); }
  std::uint64_t callbacks() const noexcept { return shared_.callbacks.load(std::memory_order_relaxed); }
  std::uint64_t overflows() const noexcept { return shared_.overflows.load(std::memory_order_relaxed); }
  double latency() const noexcept { return stream_->inputLatency(); }

 private:
  static int onAudio(const void* in, void* out, unsigned long frames, const PaStreamCallbackTimeInfo*,
                     PaStreamCallbackFlags flags, void* self);

  engine::CaptureShared shared_;
  std::unique_ptr<PortAudioStream> stream_;
};

}  // namespace ringmix::devices
#endif
