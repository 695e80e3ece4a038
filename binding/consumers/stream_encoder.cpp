#include "consumers/stream_encoder.hpp"

#include <stdexcept>

#include "consumers/mp3_stream_encoder.hpp"

namespace ringmix::consumers {

std::unique_ptr<StreamEncoder> openStreamEncoder(const StreamSpec& spec) {
  switch (spec.format) {
    case FileFormat::mp3:
      return std::make_unique<Mp3StreamEncoder>(spec);
    case FileFormat::opus:
      throw std::invalid_argument("format: opus stream encoder not built yet");
    default:
      throw std::invalid_argument("format: a stream is mp3 or opus");
  }
}

}  // namespace ringmix::consumers
