// PortAudioStream: one open PortAudio stream (input, output or duplex, float32 interleaved) with
// its callback. Opening and closing happen on the JS thread; the callback runs on PortAudio's
// real-time thread and must follow the real-time rules.
#pragma once

#include "portaudio_api.hpp"

#if RINGMIX_HAVE_PORTAUDIO
#include <atomic>
#include <cstdint>
#include <string>

namespace ringmix::devices {

class PortAudioStream {
 public:
  struct Config {
    int device = -1;            // PortAudio device index
    double sampleRate = 48000;
    int inputChannels = 0;      // 0: no input
    int outputChannels = 0;     // 0: no output
    unsigned long framesPerBuffer = paFramesPerBufferUnspecified;
    std::string label;          // for error messages: "input 'mic' on device 'hw:0'"
  };

  // Opens the stream (not started). Throws DeviceError with PortAudio's text.
  PortAudioStream(const Config& config, PaStreamCallback* callback, void* user);
  ~PortAudioStream();
  PortAudioStream(const PortAudioStream&) = delete;
  PortAudioStream& operator=(const PortAudioStream&) = delete;

  void start();
  void stop();  // waits for the callback to finish its last buffer

  // Set when the stream stopped on its own (device gone, server shut down, callback error).
  bool failed() const noexcept { return finished() || stalled_.load(std::memory_order_acquire); }
  // PortAudio reported that the stream stopped on its own: final.
  bool finished() const noexcept { return failed_.load(std::memory_order_acquire); }
  // The owner's watchdog saw no callbacks for a long time (or saw them resume): while stalled,
  // stop and close must not wait for a callback thread that may be gone.
  void setStalled(bool stalled) noexcept { stalled_.store(stalled, std::memory_order_release); }
  double inputLatency() const noexcept { return inputLatency_; }
  double outputLatency() const noexcept { return outputLatency_; }
  double sampleRate() const noexcept { return sampleRate_; }

  // Streams open in this process (PortAudio can only rescan devices when none are).
  static int openCount() noexcept { return openCount_.load(std::memory_order_acquire); }

 private:
  // PortAudio hands both callbacks the same user pointer: this, which forwards to the caller's.
  static int onProcess(const void* in, void* out, unsigned long frames,
                       const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags, void* self);
  static void onFinished(void* self);

  PaStreamCallback* callback_;
  void* user_;
  PaStream* stream_ = nullptr;
  std::string label_;
  std::atomic<bool> running_{false};
  std::atomic<bool> failed_{false};
  std::atomic<bool> stalled_{false};
  double inputLatency_ = 0, outputLatency_ = 0, sampleRate_ = 0;
  static std::atomic<int> openCount_;
};

}  // namespace ringmix::devices
#endif
