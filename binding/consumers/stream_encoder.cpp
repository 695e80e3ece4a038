#include "consumers/stream_encoder.hpp"

#include <stdexcept>

#include "consumers/opus_stream_encoder.hpp"

namespace ringmix::consumers {

std::unique_ptr<StreamEncoder> openStreamEncoder(const StreamSpec& spec) {
  switch (spec.format) {
    case FileFormat::opus:
      return std::make_unique<OpusStreamEncoder>(spec);  // checks channels, rate, bit rate, tags
    case FileFormat::mp3:
      throw std::invalid_argument("mp3 stream encoder not built yet");
    case FileFormat::wav:
    case FileFormat::flac:
      break;
  }
  throw std::invalid_argument("format: a stream is 'mp3' or 'opus'");
}

}  // namespace ringmix::consumers
