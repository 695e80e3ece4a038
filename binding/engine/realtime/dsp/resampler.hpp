// Resampler: a fixed-ratio sample-rate converter (speexdsp) for a device whose rate differs from
// the mixer's. Built (allocating) on the JS thread; process() is real-time safe: speexdsp's
// processing functions only touch the state allocated at init.
#pragma once

#include <speex/speex_resampler.h>

#include <cstdint>
#include <stdexcept>

namespace ringmix::engine {

class Resampler {
 public:
  // quality 0-10 (speexdsp); 5 is its "desktop" default: transparent for monitoring and mixing.
  Resampler(std::uint32_t channels, std::uint32_t inRate, std::uint32_t outRate, int quality = 5)
      : channels_(channels), inRate_(inRate), outRate_(outRate) {
    int err = 0;
    state_ = speex_resampler_init(channels, inRate, outRate, quality, &err);
    if (state_ == nullptr || err != RESAMPLER_ERR_SUCCESS)
      throw std::runtime_error(std::string("resampler: ") + speex_resampler_strerror(err));
    speex_resampler_skip_zeros(state_);  // no leading filter-delay silence
  }
  ~Resampler() { speex_resampler_destroy(state_); }
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  struct Result {
    std::uint32_t consumed;  // input frames used
    std::uint32_t produced;  // output frames written
  };

  // Converts as much of `in` as fits into `out` (both interleaved).
  Result process(const float* in, std::uint32_t inFrames, float* out, std::uint32_t outFrames) noexcept {
    spx_uint32_t inLen = inFrames, outLen = outFrames;
    speex_resampler_process_interleaved_float(state_, in, &inLen, out, &outLen);
    return {static_cast<std::uint32_t>(inLen), static_cast<std::uint32_t>(outLen)};
  }

  std::uint32_t channels() const noexcept { return channels_; }
  std::uint32_t inRate() const noexcept { return inRate_; }
  std::uint32_t outRate() const noexcept { return outRate_; }

 private:
  std::uint32_t channels_, inRate_, outRate_;
  SpeexResamplerState* state_ = nullptr;
};

}  // namespace ringmix::engine
