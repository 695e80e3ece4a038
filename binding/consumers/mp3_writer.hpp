// MP3 writer: LAME, constant bit rate, an ID3v2 tag at the front and a Xing/LAME "Info" frame.
//
// Layout: [ID3v2 tag][Info frame][audio frames...]. LAME reserves the Info frame (a silent frame
// of the right size) ahead of the audio; finish() flushes the encoder and pwrites the real Info
// frame over it, which gives players the exact length and the encoder delay and padding to trim
// (gapless, sample-exact decoding). checkpoint() pwrites the Info frame as of that moment too, so
// that a process killed afterwards leaves a file that decodes, delay trimmed, up to the frames
// LAME had produced (ffmpeg: 1496 frames short of a checkpoint at 48 kHz). It cannot end the
// stream: LAME's look-ahead (~1.3 MP3 frames) only comes out with lame_encode_flush(), which pads
// and ends the stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "consumers/file_writer.hpp"
#include "consumers/mp3_encoder.hpp"
#include "consumers/output_file.hpp"

namespace ringmix::consumers {

class Mp3Writer : public FileWriter {
 public:
  // Throws std::invalid_argument for what MP3 cannot carry (Mp3Encoder's checks), before the file
  // is created.
  explicit Mp3Writer(const WriterSpec& spec);
  // Finishes the file if finish() was not called (errors swallowed: a destructor cannot report).
  ~Mp3Writer() override;

  // Throws WriteError; the file is then cut back to the end of the previous write, the stream is
  // broken (bytes LAME produced are lost) and every later write() throws the same error.
  // finish() then only completes the Info frame, which needs no new space.
  void write(const float* interleaved, std::size_t frames) override;
  void checkpoint() override;
  void finish() override;
  std::uint64_t framesWritten() const noexcept override { return encoder_.framesIn(); }
  std::uint64_t bytesWritten() const noexcept override { return bytes_; }

  // The bit rate in use (after the default was applied), and the size of the ID3v2 tag.
  int bitrateKbps() const noexcept { return encoder_.bitrateKbps(); }
  std::size_t tagBytes() const noexcept { return tagBytes_; }

  static std::vector<int> allowedBitrates(std::uint32_t sampleRate) { return Mp3Encoder::allowedBitrates(sampleRate); }
  static int resolveBitrate(const WriterSpec& spec) {
    return Mp3Encoder::resolveBitrate(spec.sampleRate, spec.channels, spec.bitrateKbps);
  }

 private:
  void append(const unsigned char* data, std::size_t bytes);
  void writeInfoFrame();

  Mp3Encoder encoder_;  // first: its checks run before the file is created
  OutputFile file_;
  Mp3Encoder::Sink sink_;
  std::size_t tagBytes_ = 0;  // the Info frame starts here
  std::uint64_t bytes_ = 0;
  std::optional<WriteError> failed_;  // the write error that broke the stream
  bool finished_ = false;
};

}  // namespace ringmix::consumers
