#include "consumers/mp3_stream_encoder.hpp"

#include <cmath>

namespace ringmix::consumers {

Mp3StreamEncoder::Mp3StreamEncoder(const StreamSpec& spec)
    : encoder_(spec.sampleRate, spec.channels, spec.bitrateKbps, /*infoFrame=*/false) {}

void Mp3StreamEncoder::encode(const float* interleaved, std::size_t frames, std::vector<std::uint8_t>& out) {
  if (finished_) return;
  encoder_.encode(interleaved, frames, [&](const unsigned char* data, std::size_t bytes) {
    out.insert(out.end(), data, data + bytes);
    bytesOut_ += bytes;
  });
}

void Mp3StreamEncoder::finish(std::vector<std::uint8_t>& out) {
  if (finished_) return;
  finished_ = true;
  encoder_.flush([&](const unsigned char* data, std::size_t bytes) {
    out.insert(out.end(), data, data + bytes);
    bytesOut_ += bytes;
  });
}

std::uint64_t Mp3StreamEncoder::pendingFrames() const noexcept {
  // CBR: the frames out follow from the bytes out (to within one frame's padding byte).
  const auto out = static_cast<std::uint64_t>(std::llround(static_cast<double>(bytesOut_) / encoder_.bytesPerFrame())) *
                   encoder_.samplesPerFrame();
  return encoder_.framesIn() > out ? encoder_.framesIn() - out : 0;
}

}  // namespace ringmix::consumers
