// An audio device stream, without the backend's types: the engine opens streams, starts and stops
// them and reads their counters here; the backend (PortAudio, or none) implements it.
//
// Real-time contract: a stream calls `callback(context, buffers)` on the backend's real-time thread
// only between start() and the end of stop(), and never once detach() has returned, even a
// stream whose backend we could not stop (see rt/callback_gate.hpp). So `context` may be freed
// after detach(), however the stream ends.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "devices/device_list.hpp"
#include "devices/stream_buffers.hpp"

namespace ringmix::devices {

struct StreamConfig {
  DeviceRef device;
  double sampleRate = 48000;
  int inputChannels = 0;   // 0: no input
  int outputChannels = 0;  // 0: no output
  std::uint32_t framesPerBuffer = 0;  // 0: the backend chooses
  std::string label;       // for error messages: "input on 'hw:0'"
};

class Stream {
 public:
  virtual ~Stream() = default;  // detaches, then stops and closes, or abandons a dead stream: may block

  virtual void start() = 0;  // throws DeviceError
  // Stops calling back; bounded (aborts, never drains). A stream that died is left alone rather
  // than waited for. start() may follow, except after the stream died.
  virtual void stop() noexcept = 0;
  // No callback reaches `context` after this returns; permanent. Waits only for a callback that
  // is running right now.
  virtual void detach() noexcept = 0;

  // The stream stopped on its own (device gone, server shut down), or was found dead and abandoned.
  virtual bool finished() const noexcept = 0;
  virtual std::uint64_t callbacks() const noexcept = 0;  // buffers delivered since opening
  // Scheduling priority of the callback thread (recorded at its first callback): > 0 real-time,
  // 0 normal class, -1 not known yet.
  virtual int callbackPriority() const noexcept = 0;
  virtual double inputLatency() const noexcept = 0;   // seconds, as the backend reports them
  virtual double outputLatency() const noexcept = 0;
  virtual double sampleRate() const noexcept = 0;
};

// Opens (not starts) a stream. Throws NoBackendError, DeviceNotFoundError, DeviceError.
std::unique_ptr<Stream> openStream(const StreamConfig& config, StreamCallback callback, void* context);

// Hands a stream to a background thread that destroys it (stopping and closing a stream can take
// a device buffer or more: the caller need not wait). Detach it first if its context is about to
// be freed. Streams waiting here still count as open (a rescan waits for them).
void retireStream(std::unique_ptr<Stream> stream) noexcept;

}  // namespace ringmix::devices
