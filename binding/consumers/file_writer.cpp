#include "consumers/file_writer.hpp"

#include <string>

#include "consumers/flac_writer.hpp"
#include "consumers/mp3_writer.hpp"
#include "consumers/opus_writer.hpp"
#include "consumers/wav_writer.hpp"

namespace ringmix::consumers {

namespace {

// Parameter checks up front, so a bad request fails before any file is created.
void validate(const WriterSpec& spec) {
  if (spec.path.empty()) throw std::invalid_argument("path: must not be empty");
  if (spec.channels < 1 || spec.channels > 8)
    throw std::invalid_argument("channels: " + std::to_string(spec.channels) +
                                " is not supported (1 to 8)");
  if (spec.sampleRate < 8000 || spec.sampleRate > 384000)
    throw std::invalid_argument("sampleRate: " + std::to_string(spec.sampleRate) +
                                " is not supported (8000 to 384000 Hz)");
}

}  // namespace

std::unique_ptr<FileWriter> openWriter(const WriterSpec& spec) {
  switch (spec.format) {
    case FileFormat::wav:
      validate(spec);
      if (spec.bitDepth != 16 && spec.bitDepth != 24 && spec.bitDepth != 32)
        throw std::invalid_argument("bitDepth: " + std::to_string(spec.bitDepth) +
                                    " is not supported for wav (16, 24 or 32)");
      return std::make_unique<WavWriter>(spec);
    case FileFormat::flac:
      validate(spec);
      return std::make_unique<FlacWriter>(spec);  // checks the bit depth and tags before the file
    case FileFormat::mp3:
      // Mp3Writer checks channels, rate and bit rate against MPEG's tables before the file exists.
      validate(spec);
      return std::make_unique<Mp3Writer>(spec);
    case FileFormat::opus:
      // OpusWriter checks channels, bit rate and tags before the file exists; any rate is
      // resampled to Opus's 48 kHz.
      validate(spec);
      return std::make_unique<OpusWriter>(spec);
  }
  throw std::invalid_argument("format: unknown file format");
}

}  // namespace ringmix::consumers
