// The MP3 writer, read back by ffmpeg: exact length (the Info frame's delay and padding trimmed),
// a 1 kHz tone at -6 dBFS at its level and frequency and in place, checkpoints that do not end
// the stream, ID3v2 tags through ffprobe, a SIGKILL after a checkpoint, a full disk, and speed.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <complex>
#include <stdexcept>

#include "consumers/file_writer.hpp"
#include "consumers/mp3_writer.hpp"
#include "wav_test_util.hpp"

using namespace wavtest;
using ringmix::consumers::Mp3Writer;
using ringmix::consumers::openWriter;
using ringmix::consumers::WriteError;

namespace {

constexpr double kMinus6dB = 0.50118723362727224;  // -6 dBFS as an amplitude
constexpr std::size_t kMp3Frame = 1152;

WriterSpec mp3Spec(const std::string& path, unsigned channels, std::uint32_t rate = 48000, int kbps = 0) {
  WriterSpec s;
  s.path = path;
  s.format = FileFormat::mp3;
  s.channels = channels;
  s.sampleRate = rate;
  s.bitrateKbps = kbps;
  return s;
}

// Amplitude of the component at `freq` in channel `ch` of samples [from, from + len): a
// Hann-windowed single DFT bin (Goertzel's sum, written out), scaled by the window's gain.
double toneAmplitude(const std::vector<float>& v, unsigned channels, unsigned ch, std::size_t from,
                     std::size_t len, double freq, double rate) {
  std::complex<double> sum = 0;
  double gain = 0;
  const double w = 2 * std::numbers::pi * freq / rate;
  for (std::size_t i = 0; i < len; ++i) {
    const double hann = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(len));
    sum += hann * static_cast<double>(v[(from + i) * channels + ch]) * std::polar(1.0, -w * static_cast<double>(i));
    gain += hann;
  }
  return 2 * std::abs(sum) / gain;
}

// The strongest frequency between 980 and 1020 Hz (a wrong rate puts it at an edge), to 0.25 Hz.
double peakFrequency(const std::vector<float>& v, unsigned channels, unsigned ch, std::size_t from,
                     std::size_t len, double rate) {
  double best = 0, at = 0;
  for (double f = 980; f <= 1020; f += 0.25) {
    const double a = toneAmplitude(v, channels, ch, from, len, f, rate);
    if (a > best) best = a, at = f;
  }
  return at;
}

// Signal-to-error ratio in dB of `decoded` against `input` over samples [from, to): the codec's
// noise only if the two are aligned to the sample (a one-sample shift at 1 kHz costs ~18 dB).
double snrDb(const std::vector<float>& decoded, const std::vector<float>& input, std::size_t from,
             std::size_t to) {
  double sig = 0, err = 0;
  for (std::size_t i = from; i < to && i < decoded.size() && i < input.size(); ++i) {
    sig += static_cast<double>(input[i]) * input[i];
    err += (static_cast<double>(decoded[i]) - input[i]) * (static_cast<double>(decoded[i]) - input[i]);
  }
  return 10 * std::log10(sig / std::max(err, 1e-30));
}

std::string ffprobeStream(const std::string& path, const std::string& entry) {
  return trim(run("ffprobe -v error -select_streams a:0 -show_entries stream=" + entry +
                  " -of default=noprint_wrappers=1:nokey=1 '" + path + "'"));
}

// The same over `decoded` read `lag` frames late (lag -1 or 1): an aligned file does worse so.
double snrDbLagged(const std::vector<float>& decoded, const std::vector<float>& input, unsigned channels,
                   int lag, std::size_t to) {
  std::vector<float> shifted(decoded.size(), 0.0f);
  const std::size_t by = static_cast<std::size_t>(std::abs(lag)) * channels;
  for (std::size_t i = by; i < decoded.size(); ++i)
    if (lag > 0) shifted[i - by] = decoded[i];
    else shifted[i] = decoded[i - by];
  return snrDb(shifted, input, by, to - by);
}

std::string invalidArgument(const WriterSpec& s) {
  try {
    openWriter(s);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

struct SmallTmpfs {
  std::string path;
  bool mounted = false;
  SmallTmpfs(const std::string& at, const char* options) : path(at) {
    ::mkdir(path.c_str(), 0755);
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options) == 0;
  }
  ~SmallTmpfs() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
};

}  // namespace

TEST_SUITE("mp3") {

TEST_CASE("what MP3 cannot carry is refused before a file exists") {
  TempDir dir;
  const std::string path = dir.file("x.mp3");
  CHECK(invalidArgument(mp3Spec(path, 3)).rfind("channels: 3", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 96000)).rfind("sampleRate: 96000", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 44000)).rfind("sampleRate: 44000", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 48000, 100)).rfind("bitrateKbps: 100", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 2, 22050, 320)).rfind("bitrateKbps: 320", 0) == 0);
  CHECK(invalidArgument(mp3Spec(path, 1, 8000, 80)).rfind("bitrateKbps: 80", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 2, 48000)) == 192);
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 2, 22050)) == 160);
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 1, 8000)) == 64);
  CHECK(Mp3Writer::resolveBitrate(mp3Spec(path, 2, 44100, 320)) == 320);
}

TEST_CASE("a 1 kHz tone at -6 dBFS: exact length, level, frequency, in place") {
  if (!haveDecoders()) return;
  TempDir dir;
  struct Case { std::uint32_t rate; unsigned channels; int kbps; };
  for (const Case c : {Case{48000, 2, 0}, Case{44100, 2, 128}, Case{48000, 1, 96}, Case{32000, 2, 320},
                       Case{22050, 1, 0}, Case{8000, 1, 0}}) {
    CAPTURE(c.rate);
    CAPTURE(c.channels);
    CAPTURE(c.kbps);
    const std::string path = dir.file("tone" + std::to_string(c.rate) + "-" + std::to_string(c.channels) + ".mp3");
    const std::size_t frames = 2 * c.rate + 777;  // not a whole number of MP3 frames
    const auto input = sine(frames, c.channels, c.rate, kMinus6dB);
    auto w = openWriter(mp3Spec(path, c.channels, c.rate, c.kbps));
    writeInBlocks(*w, input, c.channels, 1000);
    w->finish();
    CHECK(w->framesWritten() == frames);
    CHECK(std::filesystem::file_size(path) == w->bytesWritten());

    const auto decoded = decodeWithFfmpeg(path, c.channels);
    // The Info frame's delay and padding let ffmpeg trim to the exact length.
    CHECK(decoded.size() / c.channels == frames);
    REQUIRE(decoded.size() / c.channels + kMp3Frame >= frames);
    const std::size_t len = c.rate / 2, from = c.rate / 2;  // half a second from 0.5 s on
    for (unsigned ch = 0; ch < c.channels; ++ch) {
      CAPTURE(ch);
      const double level = 20 * std::log10(toneAmplitude(decoded, c.channels, ch, from, len, 1000, c.rate));
      CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);
      CHECK(std::abs(peakFrequency(decoded, c.channels, ch, from, len, c.rate) - 1000.0) <= 0.5);
    }
    // In place: the decoded samples line up with the input (the delay is trimmed exactly).
    const double snr = snrDb(decoded, input, 0, std::min(decoded.size(), input.size()));
    MESSAGE("mp3 " << c.rate << " Hz " << c.channels << " ch " << c.kbps << " kbit/s: " << decoded.size() / c.channels
                   << " of " << frames << " frames, SNR " << snr << " dB");
    CHECK(snr > 20.0);
    const std::size_t upTo = std::min(decoded.size(), input.size());
    CHECK(snr > snrDbLagged(decoded, input, c.channels, 1, upTo) + 3);
    CHECK(snr > snrDbLagged(decoded, input, c.channels, -1, upTo) + 3);
    // (sox here has no MP3 reader: libsox-fmt-mp3 is not installed.)
    CHECK(ffprobeStream(path, "sample_rate") == std::to_string(c.rate));
    CHECK(ffprobeStream(path, "channels") == std::to_string(c.channels));
    CHECK(ffprobeStream(path, "bit_rate") == std::to_string(1000 * Mp3Writer::resolveBitrate(mp3Spec(path, c.channels, c.rate, c.kbps))));
  }
}

TEST_CASE("checkpoints do not end the stream; finish() is idempotent") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("checkpoints.mp3");
  const std::size_t frames = 3 * 48000 + 123;
  const auto input = sine(frames, 2, 48000, kMinus6dB);
  auto w = openWriter(mp3Spec(path, 2));
  w->checkpoint();  // before any audio: nothing to describe yet
  for (std::size_t at = 0; at < frames; at += 10007) {
    w->write(input.data() + at * 2, std::min<std::size_t>(10007, frames - at));
    w->checkpoint();
  }
  w->finish();
  CHECK_NOTHROW(w->finish());
  CHECK_THROWS_AS(w->write(input.data(), 1), std::logic_error);
  const auto decoded = decodeWithFfmpeg(path, 2);
  CHECK(decoded.size() / 2 == frames);
  const double snr = snrDb(decoded, input, 0, input.size());
  CAPTURE(snr);
  CHECK(snr > 20.0);  // no padding or gap where a checkpoint was
}

TEST_CASE("ID3v2 tags at the front, read back by ffprobe; the Info frame after them") {
  if (!haveDecoders()) return;
  TempDir dir;
  const std::string path = dir.file("tagged.mp3");
  auto s = mp3Spec(path, 2);
  s.metadata = {{"title", "Take 1"},        {"artist", "The Mixers"}, {"comment", "ringmix test"},
                {"date", "2026-11-26T19:00"}, {"genre", "Jazz"},       {"album", "Caf\xc3\xa9 sessions"}};
  auto w = std::make_unique<Mp3Writer>(s);
  const auto input = sine(48000, 2, 48000, kMinus6dB);
  writeInBlocks(*w, input, 2);
  w->finish();
  CHECK(ffprobeTag(path, "title") == "Take 1");
  CHECK(ffprobeTag(path, "artist") == "The Mixers");
  CHECK(ffprobeTag(path, "comment") == "ringmix test");
  CHECK(ffprobeTag(path, "date") == "2026");
  CHECK(ffprobeTag(path, "genre") == "Jazz");
  CHECK(ffprobeTag(path, "album") == "Caf\xc3\xa9 sessions");  // UTF-16 in the tag
  const auto b = readBytes(path);
  REQUIRE(b.size() > w->tagBytes() + 64);
  CHECK(std::string(b.begin(), b.begin() + 3) == "ID3");
  CHECK(b[w->tagBytes()] == 0xFF);  // a frame sync right after the tag
  const std::string head(b.begin() + static_cast<long>(w->tagBytes()), b.begin() + static_cast<long>(w->tagBytes()) + 64);
  CHECK(head.find("Info") != std::string::npos);  // CBR's Xing header, filled in at finish()
  CHECK(decodeWithFfmpeg(path, 2).size() == input.size());
}

TEST_CASE("killed after a checkpoint: ffmpeg decodes up to it, less LAME's look-ahead") {
  if (!haveDecoders()) return;
  TempDir dir;
  for (const std::size_t tail : {std::size_t{0}, std::size_t{3000}})
  for (unsigned channels : {1u, 2u}) {
    CAPTURE(channels);
    CAPTURE(tail);
    const std::string path = dir.file("crash" + std::to_string(channels) + "-" + std::to_string(tail) + ".mp3");
    const std::size_t saved = 2 * 48000 + 7;
    const auto input = sine(saved + tail, channels, 48000, kMinus6dB);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      try {
        auto w = openWriter(mp3Spec(path, channels));
        writeInBlocks(*w, std::vector<float>(input.begin(), input.begin() + 48000 * channels), channels, 512);
        w->checkpoint();
        writeInBlocks(*w, std::vector<float>(input.begin() + 48000 * channels, input.begin() + static_cast<long>(saved * channels)), channels, 512);
        w->checkpoint();
        if (tail > 0) w->write(input.data() + saved * channels, tail);
        ::kill(::getpid(), SIGKILL);  // inside the scope of w: no destructor, no finish()
      } catch (...) {
        ::_exit(3);
      }
      ::_exit(4);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    const auto decoded = decodeWithFfmpeg(path, channels);
    const std::size_t got = decoded.size() / channels;
    MESSAGE("mp3 crash, " << channels << " ch, " << tail << " frames after the checkpoint: " << got
                          << " of " << saved << " checkpointed frames decoded");
    // LAME holds back ~1.5 frames of look-ahead plus the frame being formatted.
    CHECK(got + 3 * kMp3Frame >= saved);
    CHECK(got <= saved + tail);
    REQUIRE(got > kMp3Frame);
    const double snr = snrDb(decoded, input, 0, (got - kMp3Frame) * channels);
    CAPTURE(snr);
    CHECK(snr > 20.0);  // the encoder delay trimmed (the Info frame of the checkpoint)
  }
}

TEST_CASE("disk full: WriteError ENOSPC, then finish() leaves what fitted playable") {
  TempDir dir;
  SmallTmpfs small(dir.file("small"), "size=64k");
  if (!small.mounted) {
    MESSAGE("SKIPPED ENOSPC check: cannot mount a 64 KiB tmpfs");
    return;
  }
  const std::string path = small.path + "/take1.mp3";
  const auto input = sine(10 * 48000, 2, 48000, kMinus6dB);  // 240 kB at 192 kbit/s
  auto w = openWriter(mp3Spec(path, 2));
  std::string code;
  try {
    writeInBlocks(*w, input, 2, 1024);
  } catch (const WriteError& e) {
    code = e.code;
    CHECK(std::string(e.what()) == "cannot write " + path + ": No space left on device");
  }
  CHECK(code == "ENOSPC");
  CHECK(w->framesWritten() > 0);
  CHECK(w->framesWritten() < 10 * 48000);
  CHECK(std::filesystem::file_size(path) == w->bytesWritten());
  CHECK_THROWS_AS(w->write(input.data(), 1024), WriteError);  // the stream has a hole: no more
  CHECK_NOTHROW(w->finish());
  if (!haveDecoders()) return;
  const auto decoded = decodeWithFfmpeg(path, 2);
  MESSAGE("mp3 ENOSPC: " << decoded.size() / 2 << " frames decoded of " << w->framesWritten() << " written");
  REQUIRE(decoded.size() / 2 > 48000);
  const double level = 20 * std::log10(toneAmplitude(decoded, 2, 0, 24000, 24000, 1000, 48000));
  CHECK(std::abs(level - 20 * std::log10(kMinus6dB)) < 0.5);
}

TEST_CASE("encode speed, 48 kHz stereo at 192 kbit/s") {
  TempDir dir;
  const std::size_t frames = 20 * 48000;
  const auto input = sine(frames, 2, 48000, kMinus6dB);
  auto w = openWriter(mp3Spec(dir.file("speed.mp3"), 2));
  const auto t0 = std::chrono::steady_clock::now();
  writeInBlocks(*w, input, 2, 480);
  w->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("mp3 encode: " << 20.0 / seconds << "x real time (48 kHz stereo, 192 kbit/s)");
  CHECK(20.0 / seconds > 2.0);
}

}  // TEST_SUITE
