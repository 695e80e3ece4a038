// Streamer: its thread (see streamer.hpp).
#include "consumers/streamer.hpp"

#include <algorithm>
#include <chrono>

#include "platform/clock.hpp"

namespace ringmix::consumers {

namespace {
constexpr std::size_t kReadFrames = 4800;  // per read: 100 ms at 48 kHz, at most
}

Streamer::Streamer(const rt::SpmcRing<float>& ring, std::uint32_t channels, StreamSpec spec)
    : reader_(ring.reader(0, 0, channels)),
      ring_(ring),
      channels_(channels),
      buffer_(kReadFrames * channels),
      silence_(kReadFrames * channels, 0.0f) {
  spec.channels = channels;
  encoder_ = openStreamEncoder(spec);
  inBand_ = spec.format == FileFormat::opus;  // Ogg chains carry tags; MP3 takes them out of band
  queueLimit_ = std::max<std::size_t>(64 * 1024, static_cast<std::size_t>(kQueueSeconds * encoder_->bitrateKbps() * 125));
  encodedTo_ = reader_.position() / channels_;
  thread_ = std::thread([this] { run(); });
}

Streamer::~Streamer() { stop(); }

void Streamer::encode(const float* data, std::size_t frames) {
  encoder_->encode(data, frames, out_);
  encodedTo_ += frames;
}

void Streamer::publish(std::uint64_t coveredFrame) {
  if (out_.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.bytesEncoded += out_.size();
  queued_ += out_.size();
  queue_.push_back({std::move(out_), coveredFrame});
  out_.clear();
  while (queued_ > queueLimit_ && queue_.size() > 1) {
    stats_.droppedBytes += queue_.front().bytes.size();
    queued_ -= queue_.front().bytes.size();
    queue_.pop_front();
  }
}

bool Streamer::pump() {
  const auto r = reader_.read(buffer_.data(), buffer_.size());
  const std::int64_t cpu0 = platform::threadCpuNs();
  std::optional<std::map<std::string, std::string>> tags;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tags.swap(pendingTags_);
  }
  if (tags) encoder_->setMetadata(*tags, out_);
  std::uint64_t lost = 0;
  if (r.lost > 0) {
    // Fell behind (the machine stalled): the exact gap as silence keeps the stream's timeline.
    lost = r.lost / channels_;
    for (std::uint64_t left = lost; left > 0;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kReadFrames));
      encode(silence_.data(), n);
      left -= n;
    }
  }
  const std::size_t frames = r.items / channels_;
  if (frames > 0) encode(buffer_.data(), frames);
  const std::uint64_t pending = encoder_->pendingFrames();
  publish(encodedTo_ > pending ? encodedTo_ - pending : 0);
  const double spent = static_cast<double>(platform::threadCpuNs() - cpu0) * 1e-9;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.framesEncoded += lost + frames;
  stats_.encodeSeconds += spent;
  if (r.lost > 0) {
    ++stats_.dropouts;
    stats_.lostFrames += lost;
  }
  return r.items > 0 || r.lost > 0;
}

void Streamer::run() {
  try {
    for (;;) {
      const bool got = pump();
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (stopping_ && reader_.position() >= stopAt_) break;
        if (!got) {
          wake_.wait_for(lock, std::chrono::milliseconds(5), [this] { return stopping_ || pendingTags_.has_value(); });
        }
      }
    }
    encoder_->finish(out_);
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.bytesEncoded += out_.size();
    tail_ = std::move(out_);
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = e.what();
  }
}

Streamer::Taken Streamer::take() {
  Taken t;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& c : queue_) {
    t.bytes.insert(t.bytes.end(), c.bytes.begin(), c.bytes.end());
    lastTaken_ = c.coveredFrame;
  }
  queue_.clear();
  queued_ = 0;
  if (lastTaken_) {
    const std::uint64_t mixFrame = ring_.writePosition() / channels_;
    t.lagFrames = mixFrame > *lastTaken_ ? mixFrame - *lastTaken_ : 0;
  }
  return t;
}

std::optional<std::uint64_t> Streamer::setMetadata(std::map<std::string, std::string> tags) {
  if (!inBand_) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!pendingTags_) ++chainsPlanned_;  // else it joins the request still waiting for the thread
  pendingTags_ = std::move(tags);
  wake_.notify_all();
  return chainsPlanned_;
}

std::vector<std::uint8_t> Streamer::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      stopAt_ = ring_.writePosition();
      wake_.notify_all();
    }
  }
  std::lock_guard<std::mutex> join(joinMutex_);
  if (joined_) return {};
  thread_.join();
  joined_ = true;
  std::lock_guard<std::mutex> lock(mutex_);
  // Bytes not yet taken go out first, then the flush.
  std::vector<std::uint8_t> rest;
  for (auto& c : queue_) rest.insert(rest.end(), c.bytes.begin(), c.bytes.end());
  queue_.clear();
  queued_ = 0;
  rest.insert(rest.end(), tail_.begin(), tail_.end());
  tail_.clear();
  return rest;
}

StreamerStats Streamer::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

std::optional<std::string> Streamer::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

}  // namespace ringmix::consumers
