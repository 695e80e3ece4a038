// Ogg/Opus writer (.opus files): the stream encoder (opus_stream_encoder.hpp) onto a raw file.
//
// Every page the encoder completes is appended to the file in the call that completed it, whole
// (a page cut short by a failing write is cut off again). Pages are flushed after at most a
// second of audio, or earlier at libogg's ~4 KiB, and checkpoint() flushes whatever packets are
// waiting: a process killed at any moment leaves a file of whole pages that decodes up to the
// last checkpoint or later, short of under one 20 ms packet at it. Such a file has no EOS page;
// decoders read it to its last page. finish() pads the last packet and ends the stream (EOS, the
// final granule trimming the padding), so a finished file decodes to exactly the frames written
// (at 48 kHz; at another rate, that length scaled to 48 kHz: Opus decodes at 48 kHz).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "consumers/file_writer.hpp"
#include "consumers/opus_stream_encoder.hpp"
#include "consumers/output_file.hpp"

namespace ringmix::consumers {

class OpusWriter : public FileWriter {
 public:
  static constexpr std::uint32_t kFilePageMs = 1000;  // a checkpoint flushes every second anyway

  // Throws std::invalid_argument for what Opus cannot carry (channels other than 1 or 2, a bit
  // rate outside 6-510 kbit/s, metadata that cannot be a Vorbis comment) before the file is
  // created; WriteError when the file cannot be created or its header pages cannot be written.
  explicit OpusWriter(const WriterSpec& spec);
  // Finishes the file if finish() was not called (errors swallowed: a destructor cannot report).
  ~OpusWriter() override;

  // Throws WriteError; the file is then cut back to its last whole page, the stream is broken
  // (the pages that did not fit are lost) and every later write() throws the same error; finish()
  // then only closes the file, which decodes up to that page.
  void write(const float* interleaved, std::size_t frames) override;
  void checkpoint() override;
  void finish() override;
  std::uint64_t framesWritten() const noexcept override { return frames_; }
  std::uint64_t bytesWritten() const noexcept override { return bytes_; }

  const OpusStreamEncoder& encoder() const noexcept { return encoder_; }

 private:
  void append();  // buffer_ to the file, whole or not at all

  OpusStreamEncoder encoder_;  // first: its checks run before the file is created
  OutputFile file_;
  std::vector<std::uint8_t> buffer_;  // pages made by one call
  std::uint64_t frames_ = 0;
  std::uint64_t bytes_ = 0;
  std::optional<WriteError> failed_;  // the write error that broke the stream
  bool finished_ = false;
};

}  // namespace ringmix::consumers
