// Mp3Encoder: LAME set up for constant bit rate, fed float frames in chunks, its output handed to
// a sink as it comes. What the MP3 file writer (mp3_writer.hpp: ID3v2 tag, Info frame, the file)
// and the MP3 stream encoder (mp3_stream_encoder.hpp: bytes for Icecast) share. Runs on a
// consumer's thread: it allocates in its constructor only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct lame_global_struct;

namespace ringmix::consumers {

class Mp3Encoder {
 public:
  // Bytes LAME produced, in order; whole MP3 frames once the stream is under way.
  using Sink = std::function<void(const unsigned char* data, std::size_t bytes)>;

  // Throws std::invalid_argument (channels other than 1 or 2, a rate MPEG does not have, a bit rate
  // not allowed at it; see resolveBitrate).
  // infoFrame: LAME reserves a silent frame ahead of the audio for the Xing/LAME Info frame (files;
  // a stream has no start to rewrite). tags: an ID3v2 tag to prepare (id3v2Tag()).
  Mp3Encoder(std::uint32_t sampleRate, std::uint32_t channels, int bitrateKbps, bool infoFrame,
             const std::map<std::string, std::string>& tags = {});
  ~Mp3Encoder();
  Mp3Encoder(const Mp3Encoder&) = delete;
  Mp3Encoder& operator=(const Mp3Encoder&) = delete;

  // Encodes `frames` interleaved frames (NaN and infinities as silence, the rest clipped to full
  // scale); every chunk's bytes go to `sink` before the next chunk is encoded.
  void encode(const float* interleaved, std::size_t frames, const Sink& sink);
  // Ends the stream: pads the last frame and pushes out LAME's look-ahead.
  void flush(const Sink& sink);
  // The ID3v2 tag for the tags given (empty when there were none).
  std::vector<unsigned char> id3v2Tag();
  // The Info frame as of now (empty before the first frame was encoded).
  std::vector<unsigned char> infoFrame();

  int bitrateKbps() const noexcept { return kbps_; }
  std::uint64_t framesIn() const noexcept { return framesIn_; }
  // Bytes of one MPEG frame on average (CBR: 144000 * kbps / rate for MPEG-1) and its samples.
  double bytesPerFrame() const noexcept;
  std::uint32_t samplesPerFrame() const noexcept { return sampleRate_ >= 32000 ? 1152 : 576; }

  // The bit rates (kbit/s) LAME takes at a sample rate; empty when MPEG has no such rate.
  static std::vector<int> allowedBitrates(std::uint32_t sampleRate);
  // bitrateKbps checked against the rate (0: 192, or the highest the rate allows below it:
  // MPEG-2 160, MPEG-2.5 64); throws std::invalid_argument naming what is wrong.
  static int resolveBitrate(std::uint32_t sampleRate, std::uint32_t channels, int bitrateKbps);

 private:
  struct LameDeleter {
    void operator()(lame_global_struct* gf) const noexcept;
  };
  void emit(int bytes, const Sink& sink);

  int kbps_;  // first: the checks run before anything else
  std::uint32_t sampleRate_;
  std::uint32_t channels_;
  std::unique_ptr<lame_global_struct, LameDeleter> lame_;
  bool tagged_ = false;
  std::vector<float> scratch_;         // one chunk of sanitized input
  std::vector<unsigned char> mp3buf_;  // LAME's output for one chunk (its worst case)
  std::uint64_t framesIn_ = 0;
};

}  // namespace ringmix::consumers
