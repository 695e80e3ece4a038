#include "engine/realtime/mix/input_pull.hpp"

#include <algorithm>
#include <cstring>

namespace ringmix::engine {

namespace {

void silence(float* out, std::size_t samples) noexcept { std::memset(out, 0, samples * sizeof(float)); }

// A producer whose clock ran ahead (or that kept producing while the mix was not pulling, e.g.
// during a sound server's start-up stall) leaves its ring nearly full: every later burst would
// overflow it, each overflow a discontinuity. Drop back to the jitter-buffer level once instead
// (one counted jump). Drift compensation keeps rings from getting here; this is the backstop.
void trimIfFull(InputRt& in, std::uint32_t periodFrames) noexcept {
  const std::size_t ch = in.channels;
  const std::size_t cap = in.ring.capacity();
  const std::size_t high = cap - std::min(cap / 4, static_cast<std::size_t>(periodFrames) * ch * 4);
  const std::size_t avail = in.source.readAvailable();
  if (avail < high) return;
  const std::size_t keep = static_cast<std::size_t>(in.primeFrames) * ch;
  std::size_t drop = avail - std::min(avail, keep);
  drop -= drop % ch;
  in.trimmedFrames += drop / ch;
  while (drop > 0) {
    auto chunk = in.source.readChunk(drop);
    if (chunk.size() == 0) break;
    drop -= chunk.size();
    chunk.commit(chunk.size());
  }
}

// Whether the jitter buffer is full enough to pull from (it stays so until an underrun).
bool primed(InputRt& in) noexcept {
  if (!in.primed && in.source.readAvailable() >= static_cast<std::size_t>(in.primeFrames) * in.channels)
    in.primed = true;
  return in.primed;
}

// A device at another rate: its ring holds device-rate frames; convert into `frames` mix frames.
std::uint32_t pullResampled(InputRt& in, float* out, std::uint32_t frames) noexcept {
  const std::uint32_t ch = in.channels;
  std::uint32_t produced = 0;
  // At most two contiguous spans are waiting; a third pass finds the ring empty.
  for (int pass = 0; pass < 3 && produced < frames; ++pass) {
    auto chunk = in.source.readChunk(in.source.readAvailable());
    const auto span = chunk.first;
    if (span.empty()) break;
    const auto r = in.resampler->process(span.data(), static_cast<std::uint32_t>(span.size() / ch),
                                         out + static_cast<std::size_t>(produced) * ch, frames - produced);
    chunk.commit(static_cast<std::size_t>(r.consumed) * ch);
    produced += r.produced;
    if (r.consumed == 0 && r.produced == 0) break;
  }
  return produced;
}

}  // namespace

void pullInput(InputRt& in, float* out, std::uint32_t frames, std::uint32_t periodFrames) noexcept {
  const std::size_t need = static_cast<std::size_t>(frames) * in.channels;
  if (in.sourceFailed.load(std::memory_order_relaxed)) {
    // Its device is gone: silence, and no underrun per cycle (metrics say it failed).
    silence(out, need);
    return;
  }
  if (in.trimWhenFull) trimIfFull(in, periodFrames);
  if (!primed(in)) {
    silence(out, need);
    return;
  }
  const std::size_t got = in.resampler ? static_cast<std::size_t>(pullResampled(in, out, frames)) * in.channels
                                       : in.source.pop(out, need);
  if (got < need) {
    silence(out + got, need - got);
    ++in.underruns;
    in.primed = false;  // rebuild the jitter buffer before pulling again
  }
}

void feedDuplex(InputRt& in, const float* deviceIn, std::uint32_t deviceInChannels, std::uint32_t frames,
                float* scratch) noexcept {
  for (std::uint32_t f = 0; f < frames; ++f)
    for (std::uint32_t c = 0; c < in.channels; ++c) {
      const std::uint32_t src = in.duplexMap[c];
      scratch[f * in.channels + c] = deviceIn && src < deviceInChannels ? deviceIn[f * deviceInChannels + src] : 0.0f;
    }
  in.duplexFeed.push(scratch, static_cast<std::size_t>(frames) * in.channels, in.channels);
}

}  // namespace ringmix::engine
