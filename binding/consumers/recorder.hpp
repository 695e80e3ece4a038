// Recorder: a consumer of the mix that writes it to files on a thread of its own. It reads its own
// reader of the broadcast ring (engine::Engine::output()) at its own pace: it may allocate, block
// on the disk and fail without the mix or any other consumer noticing. Frames it lost by falling
// behind are written as silence of the exact length (the file's timeline stays true) and counted.
// With splitSeconds it writes consecutive files with no gap and no frame twice.
//
// On the simulated clock a recording is lossless: the recorder publishes how far it has read
// (gate()), and Engine::advance() waits for it before overrunning it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "consumers/file_writer.hpp"
#include "engine/control/lossless_reader.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::consumers {

struct RecorderOptions {
  WriterSpec file;           // the first file's path; split files get -001, -002, ... before the extension
  double splitSeconds = 0;   // 0: one file
  bool lossless = false;     // the simulated clock: advance() waits for this recorder
};

struct RecorderEvent {
  enum class Type { dropout, error, file } type;
  std::uint64_t frame = 0;       // the recording's frame where it happened
  std::uint64_t lostFrames = 0;  // dropout: frames written as silence
  std::string code;              // error: "ENOSPC", ...
  std::string message;           // error
  std::string path;              // file: a file was completed (split), error: the file
};

struct RecorderResult {
  std::uint64_t frames = 0;
  std::uint64_t dropouts = 0;
  std::uint64_t lostFrames = 0;
  std::vector<std::string> files;
};

class Recorder {
 public:
  enum class State { recording, stopped, failed };

  // Opens the first file (throws WriteError / std::invalid_argument) and starts reading the ring
  // from its newest frame.
  Recorder(const rt::SpmcRing<float>& ring, std::uint32_t channels, RecorderOptions options);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Asks the thread to write everything the mix produced up to this call, complete the file and
  // end. Does not wait. Idempotent (the first call's moment counts).
  void requestStop();
  // requestStop(), then waits for the thread. Idempotent; thread-safe. Blocking (the disk).
  RecorderResult stop();

  State state() const noexcept { return state_.load(std::memory_order_acquire); }
  std::uint64_t frames() const noexcept { return frames_.load(std::memory_order_relaxed); }
  std::uint64_t bytes() const noexcept { return bytes_.load(std::memory_order_relaxed); }
  std::uint64_t dropouts() const noexcept { return dropouts_.load(std::memory_order_relaxed); }
  std::uint64_t lostFrames() const noexcept { return lost_.load(std::memory_order_relaxed); }
  std::vector<RecorderEvent> pollEvents();
  std::vector<std::string> files();
  const std::shared_ptr<engine::LosslessReader>& gate() const noexcept { return gate_; }

  // The name of split file `index` (1-based) of `path`: show.wav -> show-001.wav.
  static std::string splitPath(const std::string& path, std::uint32_t index);

 private:
  void run();
  bool pump();  // one read and its writing; false: nothing was there
  void append(const float* data, std::size_t frames);
  void openNext();
  void fail(const std::string& code, const std::string& message);
  void post(RecorderEvent e);

  rt::SpmcRing<float>::Reader reader_;
  const rt::SpmcRing<float>& ring_;
  const std::uint32_t channels_;
  RecorderOptions options_;
  const std::uint64_t framesPerFile_;  // 0: no split
  std::unique_ptr<FileWriter> writer_;
  std::uint64_t inFile_ = 0;  // frames in the current file
  std::uint64_t bytesBefore_ = 0;  // the sizes of the files completed
  std::uint32_t fileIndex_ = 1;
  std::vector<float> buffer_;
  std::vector<float> silence_;
  std::shared_ptr<engine::LosslessReader> gate_ = std::make_shared<engine::LosslessReader>();

  std::atomic<State> state_{State::recording};
  std::atomic<std::uint64_t> frames_{0}, bytes_{0}, dropouts_{0}, lost_{0};
  std::atomic<bool> stopping_{false};
  std::uint64_t stopAt_ = 0;  // the ring position stop() asked to reach
  std::mutex mutex_;          // events_, files_, the wake-up
  std::condition_variable wake_;
  std::deque<RecorderEvent> events_;
  std::vector<std::string> files_;
  std::thread thread_;
  std::mutex joinMutex_;  // stop() from the JS thread and a worker thread at once
  RecorderResult result_;
  bool joined_ = false;
};

}  // namespace ringmix::consumers
