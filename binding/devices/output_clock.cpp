#include "output_clock.hpp"

#if RINGMIX_HAVE_PORTAUDIO
#include "engine/periodic_thread.hpp"
#include "engine/rt_hooks.hpp"

namespace ringmix::devices {

OutputClock::OutputClock(int deviceIndex, std::uint32_t sampleRate, std::uint32_t channels,
                         std::uint32_t inputChannels, std::uint32_t periodFrames, CycleFn fn, void* context,
                         const std::string& label)
    : fn_(fn), context_(context), inputChannels_(inputChannels), sampleRate_(sampleRate) {
  PortAudioStream::Config c;
  c.device = deviceIndex;
  c.sampleRate = sampleRate;
  c.outputChannels = static_cast<int>(channels);
  c.inputChannels = static_cast<int>(inputChannels);
  c.framesPerBuffer = periodFrames;
  c.label = label;
  stream_ = std::make_unique<PortAudioStream>(c, &OutputClock::onAudio, this);
}

void OutputClock::start() {
  expectedNs_ = 0;
  stream_->start();
}

int OutputClock::onAudio(const void* in, void* out, unsigned long frames, const PaStreamCallbackTimeInfo*,
                         PaStreamCallbackFlags flags, void* self) {
  engine::RtScope rt;
  auto* c = static_cast<OutputClock*>(self);
  // Lateness of a device clock: how much later than the previous callback plus its buffer's
  // duration this one came (device callbacks are the clock, so this is their jitter).
  const std::int64_t now = engine::PeriodicThread::nowNs();
  const std::int64_t late = c->expectedNs_ != 0 && now > c->expectedNs_ ? now - c->expectedNs_ : 0;
  c->expectedNs_ = now + static_cast<std::int64_t>(1e9 * static_cast<double>(frames) / c->sampleRate_);
  c->callbacks_.store(c->callbacks_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  const bool underflow = (flags & paOutputUnderflow) != 0;
  if (underflow) c->underflows_.store(c->underflows_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  c->fn_(c->context_, static_cast<const float*>(in), c->inputChannels_, static_cast<float*>(out),
         static_cast<std::uint32_t>(frames), late, underflow);
  return paContinue;
}

}  // namespace ringmix::devices
#endif
