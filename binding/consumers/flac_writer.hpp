// FLAC writer: 16 or 24 bits through libFLAC's stream encoder (compression level 5), with the
// metadata as a Vorbis comment block.
//
// libFLAC writes through our own callbacks onto the raw file (output_file.hpp): every frame
// it completes goes to the kernel in the call that encoded it, and a write that fails comes out
// as a WriteError with its errno. The encoder holds back at most one block (4096 frames, 85 ms at
// 48 kHz) until it is complete. finish() encodes that last block and seeks back to write the
// STREAMINFO block (total samples, MD5 of the audio, frame sizes). A process killed before that
// leaves STREAMINFO with total samples 0, "unknown": decoders then read the file up to its last
// whole frame, and every frame the callbacks wrote is a whole one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <vector>

#include "consumers/file_writer.hpp"
#include "consumers/pcm_convert.hpp"
#include "consumers/output_file.hpp"

namespace ringmix::consumers {

class FlacWriter : public FileWriter {
 public:
  // Throws std::invalid_argument for a bit depth other than 16 or 24 ("FLAC takes 16 or 24 bits")
  // or metadata that is not valid UTF-8, before creating any file; WriteError when the file
  // cannot be created or its first blocks cannot be written. The other fields of spec are assumed
  // valid (openWriter checks them).
  explicit FlacWriter(const WriterSpec& spec);
  // Finishes the file if finish() was not called (errors swallowed: a destructor cannot report).
  ~FlacWriter() override;
  FlacWriter(const FlacWriter&) = delete;
  FlacWriter& operator=(const FlacWriter&) = delete;

  // Throws WriteError. The file is then cut back to the end of the last whole frame and the
  // encoder is done for: later writes throw the same error, and finish() leaves a file that plays
  // the frames that reached the disk (STREAMINFO counts them; no MD5).
  void write(const float* interleaved, std::size_t frames) override;
  // Nothing to push: whole frames reached the kernel as they were encoded (see above).
  void checkpoint() override;
  void finish() override;
  // Frames handed to write(); after a write error, the frames on disk.
  std::uint64_t framesWritten() const noexcept override { return failed_ ? framesOnDisk_ : framesIn_; }
  std::uint64_t bytesWritten() const noexcept override { return end_; }
  // Frames in whole FLAC frames handed to the kernel: what a decoder reads if the process died now.
  std::uint64_t framesOnDisk() const noexcept { return framesOnDisk_; }

 private:
  struct Encoder;  // libFLAC's encoder, the tags and the callbacks (flac_writer.cpp keeps its headers)

  void fail();  // after a failed encode: cut the file back to its last whole frame
  void patchTotalSamples();

  // In this order: the checks (bit depth, then the tags, in Encoder) run before the file exists.
  PcmQuantizer quantizer_;
  std::uint32_t channels_;
  int bitDepth_;
  std::unique_ptr<Encoder> encoder_;
  OutputFile file_;
  std::vector<std::int32_t> scratch_;  // one chunk of converted audio
  std::uint64_t pos_ = 0;              // where the encoder's next write goes (it seeks back in finish())
  std::uint64_t end_ = 0;              // the file's size: blocks and frames written whole
  std::uint64_t framesIn_ = 0;
  std::uint64_t framesOnDisk_ = 0;
  std::exception_ptr error_;  // the WriteError a callback met (libFLAC is C: nothing may cross it)
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace ringmix::consumers
