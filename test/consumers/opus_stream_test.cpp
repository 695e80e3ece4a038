// The Ogg/Opus stream encoder as a Broadcast will use it: whole pages out of every call, a page at
// least every 100 ms of audio, pendingFrames() as the audio not yet on a page, and setMetadata()
// chaining a new logical stream whose tags players see, with the audio continuous across the seam
// (decoded whole by ffmpeg and by opusdec, to the exact length, aligned with the input).
#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>

#include "consumers/opus_stream_encoder.hpp"
#include "consumers/stream_encoder.hpp"
#include "opus_test_util.hpp"

using namespace opustest;
using ringmix::consumers::openStreamEncoder;
using ringmix::consumers::OpusStreamEncoder;
using ringmix::consumers::StreamSpec;

namespace {

StreamSpec streamSpec(unsigned channels, std::uint32_t rate, std::map<std::string, std::string> tags = {}) {
  StreamSpec s;
  s.format = FileFormat::opus;
  s.channels = channels;
  s.sampleRate = rate;
  s.metadata = std::move(tags);
  return s;
}

// Hands `frames` to the encoder 480 at a time (10 ms at 48 kHz), as a broadcast would.
void encodeInBlocks(ringmix::consumers::StreamEncoder& e, const float* in, std::size_t frames, unsigned channels,
                    std::vector<std::uint8_t>& out) {
  for (std::size_t at = 0; at < frames; at += 480) e.encode(in + at * channels, std::min<std::size_t>(480, frames - at), out);
}

void save(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_SUITE("opus-stream") {

TEST_CASE("openStreamEncoder: opus, its defaults and checks; mp3 its own; file-only formats refused") {
  auto e = openStreamEncoder(streamSpec(2, 48000));
  CHECK(std::string(e->contentType()) == "audio/ogg");
  CHECK(e->bitrateKbps() == 128);
  CHECK(e->pendingFrames() == 0);
  CHECK(openStreamEncoder(streamSpec(1, 44100))->bitrateKbps() == 64);
  CHECK_THROWS_WITH_AS(openStreamEncoder(streamSpec(3, 48000)), "channels: 3 is not supported for opus (1 or 2)",
                       std::invalid_argument);
  auto mp3 = streamSpec(2, 48000);
  mp3.format = FileFormat::mp3;
  CHECK(std::string(openStreamEncoder(mp3)->contentType()) == "audio/mpeg");
  auto wav = streamSpec(2, 48000);
  wav.format = FileFormat::wav;
  CHECK_THROWS_AS(openStreamEncoder(wav), std::invalid_argument);
}

TEST_CASE("every call appends whole pages; a page at least every 100 ms; pendingFrames() is what is not out") {
  for (const std::uint32_t rate : {48000u, 44100u}) {
    CAPTURE(rate);
    OpusStreamEncoder e(streamSpec(2, rate, {{"title", "live"}}));
    const auto input = sine(5 * rate, 2, rate, kMinus6dB);
    std::vector<std::uint8_t> all;
    std::vector<std::uint8_t> out;
    std::uint64_t maxPending = 0;
    const std::size_t block = rate / 100;  // 10 ms, as the mix arrives
    for (std::size_t at = 0; at + block <= input.size() / 2; at += block) {
      out.clear();
      e.encode(input.data() + at * 2, block, out);
      std::size_t rest = 1;
      oggPages(out, &rest);
      CHECK(rest == 0);
      all.insert(all.end(), out.begin(), out.end());
      maxPending = std::max(maxPending, e.pendingFrames());
      CHECK(e.pendingFrames() <= e.framesIn());
    }
    // What is held back: under 100 ms to fill a page, 20 ms to fill a packet, the look-ahead
    // (6.5 ms) and the resampler's 32 input frames.
    const std::uint64_t bound = (4800 + 960 + kLookahead) * rate / 48000 + 33;
    MESSAGE("opus stream at " << rate << " Hz: pendingFrames() at most " << maxPending << " (bound " << bound << ")");
    CHECK(maxPending <= bound);
    CHECK(maxPending >= 3840 * rate / 48000);  // pages do wait to fill
    const auto pages = oggPages(all);
    REQUIRE(pages.size() > 10);
    CHECK(pages[0].bos());
    CHECK(opusHead(pages[0].packets[0]).inputRate == rate);
    std::int64_t previous = 0;
    for (std::size_t i = 2; i < pages.size(); ++i) {
      CHECK(pages[i].granule - previous <= 4800);  // 100 ms
      CHECK(pages[i].packets.size() <= 5);
      previous = pages[i].granule;
    }
    out.clear();
    e.finish(out);
    CHECK(e.pendingFrames() == 0);
    CHECK(oggPages(out).back().eos());
    out.clear();
    e.finish(out);  // idempotent
    CHECK(out.empty());
    CHECK_THROWS_AS(e.encode(input.data(), 1, out), std::logic_error);
  }
}

TEST_CASE("setMetadata chains a new logical stream: both tags seen, the audio whole and continuous") {
  if (!haveDecoders() || !haveOpusTools()) return;
  TempDir dir;
  for (const std::uint32_t rate : {48000u, 44100u}) {
    CAPTURE(rate);
    const std::string path = dir.file("chained" + std::to_string(rate) + ".opus");
    OpusStreamEncoder e(streamSpec(2, rate, {{"title", "First song"}, {"artist", "A"}}));
    const std::size_t frames = 4 * rate + 321, seam = 2 * rate + 123;
    const auto input = sine(frames, 2, rate, kMinus6dB);
    std::vector<std::uint8_t> out;
    encodeInBlocks(e, input.data(), seam, 2, out);
    const std::uint32_t firstSerial = e.serial();
    // Tags that cannot be comments change nothing.
    CHECK_THROWS_AS(e.setMetadata({{"title", "\xc0\x80"}}, out), std::invalid_argument);
    CHECK(e.serial() == firstSerial);
    CHECK(e.setMetadata({{"title", "Second song"}, {"artist", "B"}}, out));
    CHECK(e.serial() != firstSerial);
    CHECK(e.links() == 2);
    e.encode(input.data() + seam * 2, frames - seam, out);
    e.finish(out);
    save(path, out);

    // Two links, each BOS ... EOS with its own serial; the second's pre-skip covers its pre-roll.
    const auto pages = oggPages(out);
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < pages.size(); ++i)
      if (pages[i].bos()) starts.push_back(i);
    REQUIRE(starts.size() == 2);
    CHECK(pages[starts[1] - 1].eos());
    CHECK(pages.back().eos());
    CHECK(pages[starts[1]].serial != pages[0].serial);
    CHECK(pages[starts[1]].sequence == 0);
    const OpusHead second = opusHead(pages[starts[1]].packets[0]);
    CHECK(second.preSkip == kLookahead + e.preRoll());
    CHECK(second.preSkip % kPacket == 0);  // no packet both skipped and played
    CHECK(e.preRoll() >= OpusStreamEncoder::kMinPreRollSamples);
    // The first link ends where the encoder's resampled input did at the call (at 48 kHz: at
    // exactly the frames given).
    const std::int64_t firstLength = pages[starts[1] - 1].granule - kLookahead;
    if (rate == 48000) CHECK(firstLength == static_cast<std::int64_t>(seam));
    else CHECK(std::abs(static_cast<double>(firstLength) - seam * 48000.0 / rate) < 40);

    const std::string info = run("opusinfo '" + path + "' 2>&1");
    CHECK(info.find("TITLE=First song") != std::string::npos);
    CHECK(info.find("TITLE=Second song") != std::string::npos);
    CHECK(info.find("ARTIST=B") != std::string::npos);
    CHECK(info.find("WARNING") == std::string::npos);
    CHECK(ffprobeStreamTag(path, "title") == "First song");

    const std::size_t want = at48k(frames, rate);
    const auto reference = sine(want, 2, 48000, kMinus6dB);
    const auto byFfmpeg = decodeOpus(path, 2);
    const auto byOpusdec = decodeWithOpusdec(path);
    CHECK(byFfmpeg.size() / 2 == want);
    CHECK(byOpusdec.size() / 2 == want);
    // Continuous: aligned with the input across the seam (a gap or an overlap would shift the
    // second half), and as clean around it as elsewhere.
    const std::size_t seam48 = static_cast<std::size_t>(firstLength);
    const double whole = snrDb(byFfmpeg, reference, 0, std::min(byFfmpeg.size(), reference.size()));
    const double around = snrDb(byFfmpeg, reference, (seam48 - 960) * 2, (seam48 + 960) * 2);
    const double after = snrDb(byOpusdec, reference, (seam48 + 960) * 2, std::min(byOpusdec.size(), reference.size()));
    MESSAGE("chained at " << rate << " Hz: " << byFfmpeg.size() / 2 << " samples (want " << want << "), SNR "
                          << whole << " dB whole, " << around << " dB within 20 ms of the seam, " << after
                          << " dB after it (opusdec)");
    CHECK(whole > 25.0);
    CHECK(around > 25.0);
    CHECK(after > 25.0);
  }
}

TEST_CASE("links of no audio or a few samples (chained again at once) still decode to the frames given") {
  if (!haveDecoders() || !haveOpusTools()) return;
  TempDir dir;
  // Frames to encode, then a chain (-1); the lengths around 648 put a link's end in the packet
  // where its pre-skip would end, were the pre-skip not a whole number of packets.
  const std::vector<std::vector<long>> plans = {
      {-1, 30000},          {30000, -1, -1, 18000}, {30000, -1, 18000, -1}, {500, -1, 500, -1, 500, -1, 500},
      {-1, -1, -1},         {1, -1, 1, -1, 1},      {5000, -1, 647, -1, 648, -1, 649, -1, 1, -1}};
  const auto input = sine(96000, 1, 48000, kMinus6dB);
  for (std::size_t k = 0; k < plans.size(); ++k) {
    CAPTURE(k);
    const std::string path = dir.file("short" + std::to_string(k) + ".opus");
    OpusStreamEncoder e(streamSpec(1, 48000, {{"title", "zero"}}));
    std::vector<std::uint8_t> out;
    std::size_t at = 0;
    int links = 1;
    for (const long step : plans[k]) {
      if (step < 0) {
        e.setMetadata({{"title", "link " + std::to_string(++links)}}, out);
      } else {
        e.encode(input.data() + at, static_cast<std::size_t>(step), out);
        at += static_cast<std::size_t>(step);
      }
    }
    e.finish(out);
    save(path, out);
    CHECK(e.links() == static_cast<std::uint32_t>(links));
    CHECK(decodeOpus(path, 1).size() == at);
    CHECK(decodeWithOpusdec(path).size() == at);
    const std::string info = run("opusinfo '" + path + "' 2>&1");
    CHECK(info.find("TITLE=link " + std::to_string(links)) != std::string::npos);
    CHECK(info.find("WARNING") == std::string::npos);
  }
}

}  // TEST_SUITE
