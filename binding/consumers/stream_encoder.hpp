// StreamEncoder: an encoder whose output is a byte stream rather than a file, for consumers that
// send the mix over the network (a Broadcast to Icecast). Runs on a consumer's own (non-real-time)
// thread: it may allocate and throw. The bytes it appends are whole units a listener can join at
// (MP3 frames, Ogg pages), so a server may hand them to listeners as they come.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "consumers/file_writer.hpp"

namespace ringmix::consumers {

struct StreamSpec {
  FileFormat format = FileFormat::mp3;  // mp3 or opus
  std::uint32_t sampleRate = 48000;     // the mix's rate (Opus resamples to 48 kHz itself)
  std::uint32_t channels = 2;
  int bitrateKbps = 0;                  // 0: the format's default
  std::map<std::string, std::string> metadata;  // the first stream's tags (Opus: OpusTags)
};

class StreamEncoder {
 public:
  virtual ~StreamEncoder() = default;
  // Encodes `frames` interleaved float frames; appends to `out` whatever bytes are complete.
  virtual void encode(const float* interleaved, std::size_t frames, std::vector<std::uint8_t>& out) = 0;
  // In-band metadata. Ogg/Opus: ends the logical stream and begins a new chained one whose
  // OpusTags carry `tags` (title, artist, ...), appending both to `out`; returns true. MP3 carries
  // none in-band (Icecast takes it through /admin/metadata): returns false, appends nothing.
  virtual bool setMetadata(const std::map<std::string, std::string>& tags, std::vector<std::uint8_t>& out) = 0;
  // Ends the stream: flushes the encoder's look-ahead and appends the last bytes. Idempotent.
  virtual void finish(std::vector<std::uint8_t>& out) = 0;
  // Frames consumed by encode() whose bytes have not come out yet (the encoder's look-ahead).
  virtual std::uint64_t pendingFrames() const noexcept = 0;
  virtual int bitrateKbps() const noexcept = 0;
  // The HTTP Content-Type of the stream: "audio/mpeg", "audio/ogg".
  virtual const char* contentType() const noexcept = 0;
};

// Throws std::invalid_argument (what the format cannot carry: rate, channels, bit rate).
std::unique_ptr<StreamEncoder> openStreamEncoder(const StreamSpec& spec);

}  // namespace ringmix::consumers
