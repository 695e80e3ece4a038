// Recorder: its thread (see recorder.hpp).
#include "consumers/recorder.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace ringmix::consumers {

namespace {
constexpr std::size_t kReadFrames = 8192;  // per read: ~170 ms at 48 kHz, a few writes to the disk
}

Recorder::Recorder(const rt::SpmcRing<float>& ring, std::uint32_t channels, RecorderOptions options)
    : reader_(ring.reader(0, 0, channels)),
      ring_(ring),
      channels_(channels),
      options_(std::move(options)),
      framesPerFile_(options_.splitSeconds > 0
                         ? static_cast<std::uint64_t>(std::llround(options_.splitSeconds * options_.file.sampleRate))
                         : 0),
      buffer_(kReadFrames * channels),
      silence_(kReadFrames * channels, 0.0f) {
  options_.file.channels = channels;
  gate_->position.store(reader_.position(), std::memory_order_release);
  openNext();  // a file that cannot be created fails the call, before any thread exists
  thread_ = std::thread([this] { run(); });
}

Recorder::~Recorder() { stop(); }

std::string Recorder::splitPath(const std::string& path, std::uint32_t index) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  const bool hasExt = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
  char num[16];
  std::snprintf(num, sizeof num, "-%03u", index);
  return hasExt ? path.substr(0, dot) + num + path.substr(dot) : path + num;
}

void Recorder::openNext() {
  WriterSpec spec = options_.file;
  if (framesPerFile_ > 0) spec.path = splitPath(options_.file.path, fileIndex_);
  writer_ = openWriter(spec);
  inFile_ = 0;
  std::lock_guard<std::mutex> lock(mutex_);
  files_.push_back(spec.path);
}

void Recorder::append(const float* data, std::size_t frames) {
  while (frames > 0) {
    if (framesPerFile_ > 0 && inFile_ == framesPerFile_) {
      writer_->finish();
      bytesBefore_ += writer_->bytesWritten();
      const std::string done = files().back();
      ++fileIndex_;
      openNext();
      post({RecorderEvent::Type::file, frames_.load(std::memory_order_relaxed), 0, {}, {}, done});
    }
    std::size_t n = frames;
    if (framesPerFile_ > 0) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, framesPerFile_ - inFile_));
    writer_->write(data, n);
    inFile_ += n;
    frames -= n;
    if (data != silence_.data()) data += n * channels_;
    frames_.fetch_add(n, std::memory_order_relaxed);
    bytes_.store(bytesBefore_ + writer_->bytesWritten(), std::memory_order_relaxed);
  }
}

bool Recorder::pump() {
  const auto r = reader_.read(buffer_.data(), buffer_.size());
  if (r.lost > 0) {
    // Fell behind (the disk stalled): the file gets the exact gap as silence, so that what follows
    // stays at its true time.
    const std::uint64_t lost = r.lost / channels_;
    post({RecorderEvent::Type::dropout, frames_.load(std::memory_order_relaxed), lost, {}, {}, {}});
    dropouts_.fetch_add(1, std::memory_order_relaxed);
    lost_.fetch_add(lost, std::memory_order_relaxed);
    for (std::uint64_t left = lost; left > 0;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kReadFrames));
      append(silence_.data(), n);
      left -= n;
    }
  }
  if (r.items > 0) append(buffer_.data(), r.items / channels_);
  gate_->position.store(reader_.position(), std::memory_order_release);
  return r.items > 0 || r.lost > 0;
}

void Recorder::run() {
  using Clock = std::chrono::steady_clock;
  auto checkpointed = Clock::now();
  try {
    for (;;) {
      const bool got = pump();
      // Everything up to stop() is in (a lapped reader may have passed it).
      if (stopping_.load(std::memory_order_acquire) && reader_.position() >= stopAt_) break;
      if (Clock::now() - checkpointed >= std::chrono::seconds(1)) {
        writer_->checkpoint();  // a killed process leaves a file that plays, short of a second at most
        checkpointed = Clock::now();
      }
      if (!got) {
        std::unique_lock<std::mutex> lock(mutex_);
        // The simulated clock renders as fast as the CPU goes: look often, advance() may be waiting.
        wake_.wait_for(lock, options_.lossless ? std::chrono::milliseconds(1) : std::chrono::milliseconds(10),
                       [this] { return stopping_.load(std::memory_order_acquire); });
      }
    }
    writer_->finish();
    bytes_.store(bytesBefore_ + writer_->bytesWritten(), std::memory_order_relaxed);
    state_.store(State::stopped, std::memory_order_release);
  } catch (const WriteError& e) {
    fail(e.code, e.what());
  } catch (const std::exception& e) {
    fail("ERR_RECORDING", e.what());
  }
  gate_->done.store(true, std::memory_order_release);
}

void Recorder::fail(const std::string& code, const std::string& message) {
  // What was written stays playable: the header was brought up to date at the last checkpoint;
  // one more try to complete it, which may fail in turn (a full disk).
  try {
    writer_->finish();
  } catch (const std::exception&) {
  }
  state_.store(State::failed, std::memory_order_release);
  post({RecorderEvent::Type::error, frames_.load(std::memory_order_relaxed), 0, code, message, files().back()});
}

void Recorder::requestStop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_.load(std::memory_order_relaxed)) return;
  stopAt_ = ring_.writePosition();
  stopping_.store(true, std::memory_order_release);
  wake_.notify_all();
}

RecorderResult Recorder::stop() {
  requestStop();
  std::lock_guard<std::mutex> lock(joinMutex_);
  if (joined_) return result_;
  thread_.join();
  joined_ = true;
  result_ = {frames(), dropouts(), lostFrames(), files()};
  return result_;
}

void Recorder::post(RecorderEvent e) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(e));
}

std::vector<RecorderEvent> Recorder::pollEvents() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RecorderEvent> out(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

std::vector<std::string> Recorder::files() {
  std::lock_guard<std::mutex> lock(mutex_);
  return files_;
}

}  // namespace ringmix::consumers
