// The bytes of a WAV header in front of the audio, built once at open (everything in it is known
// then: format, metadata) and patched in place by update() with the sizes of what follows. A
// writer rewrites the whole header with one pwrite, so a reader never sees half an update.
//
//   RIFF <size> WAVE | JUNK(28) -> ds64 in RF64 | fmt | fact (non-PCM) | LIST/INFO | data <size>
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "consumers/file_writer.hpp"

namespace ringmix::consumers {

class WavHeader {
 public:
  // spec.bitDepth: 16, 24 (integer PCM) or 32 (IEEE float); not validated here (openWriter does).
  explicit WavHeader(const WriterSpec& spec);

  // Sets the RIFF, data and sample-count fields for `dataBytes` of audio (`frames` frames), as a
  // plain RIFF file or, with `rf64`, as RF64 (the JUNK chunk becomes ds64, 32-bit sizes -1).
  void update(std::uint64_t dataBytes, std::uint64_t frames, bool rf64);

  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool isFloat() const noexcept { return float_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t factCount_ = 0;  // offset of the fact chunk's sample count; 0: no fact chunk
  bool float_ = false;
};

}  // namespace ringmix::consumers
