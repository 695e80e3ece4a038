#include "consumers/stream_encoder.hpp"

#include <stdexcept>

#include "consumers/mp3_stream_encoder.hpp"
#include "consumers/opus_stream_encoder.hpp"

namespace ringmix::consumers {

std::unique_ptr<StreamEncoder> openStreamEncoder(const StreamSpec& spec) {
  switch (spec.format) {
    case FileFormat::mp3:
      return std::make_unique<Mp3StreamEncoder>(spec);  // checks channels, rate, bit rate
    case FileFormat::opus:
      return std::make_unique<OpusStreamEncoder>(spec);  // checks channels, rate, bit rate, tags
    case FileFormat::wav:
    case FileFormat::flac:
      break;
  }
  throw std::invalid_argument("format: a stream is 'mp3' or 'opus'");
}

}  // namespace ringmix::consumers
