// The recorder against a ring it cannot keep up with: it must be lapped, write exactly the frames
// it lost as silence (so the file's length equals what the mix produced), report each dropout,
// and have every frame it did read at its true place. The file is decoded with ffmpeg.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "consumers/recorder.hpp"
#include "wav_test_util.hpp"

using namespace wavtest;
using ringmix::consumers::Recorder;
using ringmix::consumers::RecorderOptions;

TEST_CASE("a recorder that falls behind writes what it lost as silence of the exact length") {
  if (!haveDecoders()) {
    MESSAGE("ffmpeg/sox missing: scripts/setup.sh installs them");
    return;
  }
  TempDir dir;
  const unsigned ch = 2;
  ringmix::rt::SpmcRing<float> ring(4096 * ch);  // 4096 frames: a burst of more laps the reader
  RecorderOptions o;
  o.file = spec(dir.file("lapped.wav"), 32, ch);
  Recorder rec(ring, ch, o);
  // A mix whose every sample is non-zero and tells its frame: frame f carries (f + 1) / 2^20.
  const std::size_t total = 200'000;
  std::vector<float> chunk(1024 * ch);
  std::size_t f = 0;
  while (f < total) {
    // Bursts of 40,000 frames at once (ten times the ring), then a pause the recorder catches up in.
    for (std::size_t end = std::min(total, f + 40'000); f < end;) {
      const std::size_t n = std::min<std::size_t>(1024, end - f);
      for (std::size_t i = 0; i < n; ++i)
        for (unsigned c = 0; c < ch; ++c) chunk[i * ch + c] = static_cast<float>((f + i + 1) / 1048576.0);
      ring.write(chunk.data(), n * ch);
      f += n;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  const auto events = rec.pollEvents();
  const auto result = rec.stop();
  CHECK(result.frames == total);
  CHECK(result.dropouts >= 1);
  CHECK(result.lostFrames > 0);
  std::size_t dropoutEvents = 0;
  std::uint64_t lostInEvents = 0;
  for (const auto& e : events)
    if (e.type == ringmix::consumers::RecorderEvent::Type::dropout) ++dropoutEvents, lostInEvents += e.lostFrames;
  for (const auto& e : rec.pollEvents())
    if (e.type == ringmix::consumers::RecorderEvent::Type::dropout) ++dropoutEvents, lostInEvents += e.lostFrames;
  CHECK(dropoutEvents == result.dropouts);
  CHECK(lostInEvents == result.lostFrames);

  const auto audio = decodeWithFfmpeg(o.file.path, ch);
  REQUIRE(audio.size() == total * ch);
  std::uint64_t silent = 0, misplaced = 0;
  for (std::size_t i = 0; i < total; ++i) {
    const float v = audio[i * ch];
    if (v == 0.0f) ++silent;
    else if (v != static_cast<float>((i + 1) / 1048576.0)) ++misplaced;  // a frame read is at its true place
  }
  CHECK(silent == result.lostFrames);
  CHECK(misplaced == 0);
}
