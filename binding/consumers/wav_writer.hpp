// WAV writer: 16/24-bit integer PCM or 32-bit IEEE float, crash-safe and RF64 past 4 GiB.
//
// The header goes out at open with zero sizes; checkpoint() and finish() rewrite it with the sizes
// of what is on disk, so a process killed after a checkpoint leaves a file that plays up to that
// checkpoint. A JUNK chunk reserved at open becomes ds64 once the audio passes
// spec.rf64AfterBytes (EBU Tech 3306), without moving a byte of audio.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "consumers/file_writer.hpp"
#include "consumers/pcm_convert.hpp"
#include "consumers/output_file.hpp"
#include "consumers/wav_header.hpp"

namespace ringmix::consumers {

class WavWriter : public FileWriter {
 public:
  // Creates spec.path and writes the header. spec is assumed valid (openWriter checks it).
  explicit WavWriter(const WriterSpec& spec);
  // Finishes the file if finish() was not called (errors swallowed: a destructor cannot report).
  ~WavWriter() override;

  // Throws WriteError; the file is then cut back to the last whole frame written, so finish()
  // still leaves a consistent file with what fitted.
  void write(const float* interleaved, std::size_t frames) override;
  void checkpoint() override;
  void finish() override;
  std::uint64_t framesWritten() const noexcept override { return frames_; }
  std::uint64_t bytesWritten() const noexcept override {
    return header_.size() + dataBytes_ + (padded_ ? 1 : 0);
  }
  bool isRf64() const noexcept { return rf64_; }

 private:
  void convert(const float* in, std::size_t samples, std::uint8_t* out);
  void commitHeader();

  WavHeader header_;
  OutputFile file_;
  std::uint32_t channels_;
  int bitDepth_;
  std::uint64_t rf64AfterBytes_;
  PcmQuantizer quantizer_;  // 16/24-bit: float to integer samples (unused for float32)
  std::vector<std::uint8_t> scratch_;  // one chunk of converted audio
  std::uint64_t dataBytes_ = 0;
  std::uint64_t frames_ = 0;
  bool padded_ = false;  // an odd-sized data chunk has its pad byte on disk (overwritten by more)
  bool rf64_ = false;
  bool finished_ = false;
};

}  // namespace ringmix::consumers
