// The MP3 stream for Icecast: LAME at constant bit rate with no ID3v2 tag and no Info frame (a
// stream has no start to rewrite, and a listener joins anywhere), so every byte is MPEG frames.
// Metadata goes out of band (the server's /admin/metadata), hence setMetadata() returns false.
#pragma once

#include "consumers/mp3_encoder.hpp"
#include "consumers/stream_encoder.hpp"

namespace ringmix::consumers {

class Mp3StreamEncoder : public StreamEncoder {
 public:
  explicit Mp3StreamEncoder(const StreamSpec& spec);

  void encode(const float* interleaved, std::size_t frames, std::vector<std::uint8_t>& out) override;
  bool setMetadata(const std::map<std::string, std::string>&, std::vector<std::uint8_t>&) override { return false; }
  void finish(std::vector<std::uint8_t>& out) override;
  std::uint64_t pendingFrames() const noexcept override;
  int bitrateKbps() const noexcept override { return encoder_.bitrateKbps(); }
  const char* contentType() const noexcept override { return "audio/mpeg"; }

 private:
  Mp3Encoder encoder_;
  std::uint64_t bytesOut_ = 0;
  bool finished_ = false;
};

}  // namespace ringmix::consumers
