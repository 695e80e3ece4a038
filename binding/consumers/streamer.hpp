// Streamer: a consumer of the mix that encodes it for a network stream (a Broadcast to Icecast)
// on a thread of its own. It reads its own reader of the broadcast ring at the audio's pace (from
// the newest frame on: a live stream never bursts old audio), encodes (stream_encoder.hpp) and
// queues the bytes for the JS side, which takes them (take()) and sends them. Frames it lost by
// falling behind are encoded as silence of the exact length and counted, as a recorder does.
//
// The byte queue is bounded (kQueueSeconds of audio at the bit rate): a JS side that stops taking
// (a blocked event loop) loses the oldest bytes, counted, rather than growing memory.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "consumers/stream_encoder.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::consumers {

struct StreamerStats {
  std::uint64_t framesEncoded = 0;  // the mix's frames given to the encoder (silence for lost ones included)
  std::uint64_t bytesEncoded = 0;
  std::uint64_t dropouts = 0;       // times the reader was lapped
  std::uint64_t lostFrames = 0;
  std::uint64_t droppedBytes = 0;   // encoded bytes the JS side did not take in time
  double encodeSeconds = 0;         // thread CPU time spent encoding (its cost)
};

class Streamer {
 public:
  static constexpr double kQueueSeconds = 10;

  // Opens the encoder (throws std::invalid_argument) and starts the thread.
  Streamer(const rt::SpmcRing<float>& ring, std::uint32_t channels, StreamSpec spec);
  ~Streamer();
  Streamer(const Streamer&) = delete;
  Streamer& operator=(const Streamer&) = delete;

  struct Taken {
    std::vector<std::uint8_t> bytes;
    // How far the newest audio in what was ever taken lags the mix, in frames: the encoder's
    // look-ahead, the read and queue delays. Empty before any bytes came out.
    std::optional<std::uint64_t> lagFrames;
  };
  // Everything encoded since the last take.
  Taken take();
  // In-band metadata (Opus: a new chained stream), applied by the thread before its next
  // encoding. Returns the number of the chained stream that will carry the tags (the first
  // stream is 0), or nothing when the format carries none in-band (MP3). Calls the thread has not
  // served yet share one new stream, with the newest tags: the same number.
  std::optional<std::uint64_t> setMetadata(std::map<std::string, std::string> tags);
  // Encodes what the mix produced up to this call, flushes the encoder, ends the thread and
  // returns the last bytes. Idempotent (later calls return nothing). Blocking (milliseconds).
  std::vector<std::uint8_t> stop();

  StreamerStats stats() const;
  // The thread's failure (an encoder error), once; empty while it runs.
  std::optional<std::string> error() const;
  int bitrateKbps() const noexcept { return encoder_->bitrateKbps(); }
  const char* contentType() const noexcept { return encoder_->contentType(); }
  bool inBandMetadata() const noexcept { return inBand_; }

 private:
  struct Chunk {
    std::vector<std::uint8_t> bytes;
    std::uint64_t coveredFrame;  // the ring frame up to which this chunk's bytes carry the audio
  };
  void run();
  bool pump();
  void encode(const float* data, std::size_t frames);
  void publish(std::uint64_t coveredFrame);

  rt::SpmcRing<float>::Reader reader_;
  const rt::SpmcRing<float>& ring_;
  const std::uint32_t channels_;
  std::unique_ptr<StreamEncoder> encoder_;
  bool inBand_ = false;
  std::vector<float> buffer_;
  std::vector<float> silence_;
  std::vector<std::uint8_t> out_;   // the thread's bytes being gathered
  std::uint64_t encodedTo_ = 0;     // ring frame the encoder has been given up to
  std::size_t queueLimit_ = 0;

  mutable std::mutex mutex_;  // everything below, and the wake-up
  std::condition_variable wake_;
  std::deque<Chunk> queue_;
  std::size_t queued_ = 0;
  std::optional<std::uint64_t> lastTaken_;  // coveredFrame of the newest chunk taken
  std::optional<std::map<std::string, std::string>> pendingTags_;
  std::uint64_t chainsPlanned_ = 0;  // chained streams asked for (setMetadata()) since the first
  StreamerStats stats_;
  std::optional<std::string> error_;
  bool stopping_ = false;
  std::uint64_t stopAt_ = 0;
  std::vector<std::uint8_t> tail_;  // stop(): what the flush produced
  std::thread thread_;
  std::mutex joinMutex_;
  bool joined_ = false;
};

}  // namespace ringmix::consumers
