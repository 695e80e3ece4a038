// OpusStreamEncoder: the mix as Ogg/Opus (RFC 7845), for a network stream or (opus_writer.hpp) a
// .opus file. libopus and libogg are linked statically.
//
// Each logical stream ("link") is OpusHead (own page) + OpusTags (own page(s)) + audio pages of
// 20 ms packets (960 samples at 48 kHz; OPUS_APPLICATION_AUDIO, constrained VBR). Opus runs at
// 48 kHz: another mix rate goes through the engine's own resampler (engine::Resampler, the one drift
// compensation uses, here at a fixed ratio). Granule positions count 48 kHz samples from the
// link's start, pre-skip included; the pre-skip is the encoder's look-ahead (OPUS_GET_LOOKAHEAD),
// and the resampler's delay is taken out exactly, so the decoded audio lines up with the mix.
// The last packet of a link is padded (by a prediction of the mix, not silence: no step for the
// codec to smear back into the audio) and its granule says where the audio really ends, so
// decoders trim the padding: a link decodes to exactly the frames given (at 48 kHz), or at
// another rate to ceil(frames × 48000 / rate) samples.
//
// Pages: a page is flushed as soon as it holds `pageMs` of audio (streams: 100 ms, so listeners
// get audio promptly), or earlier when libogg finds it full (~4 KiB). encode() appends only
// complete pages.
//
// Chaining: setMetadata() ends the link (EOS) and starts a new one with a new random serial and
// the new tags: how Ogg carries in-band metadata (Icecast and players show a new link's tags).
// The audio runs on across the seam: the new link's encoder is first fed the last ~90 ms of the
// mix (at least the 80 ms RFC 7845 recommends as pre-roll for decoding from mid-stream), which
// its pre-skip covers, so it starts warmed up on the real signal rather than on silence; the
// resampler is not restarted. Measured on a 1 kHz tone: as clean within 20 ms of the seam as
// elsewhere (~43 dB SNR).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "consumers/ogg_pager.hpp"
#include "consumers/stream_encoder.hpp"
#include "engine/realtime/dsp/resampler.hpp"

struct OpusEncoder;  // libopus's (opus.h: typedef struct OpusEncoder OpusEncoder)

namespace ringmix::consumers {

class OpusStreamEncoder : public StreamEncoder {
 public:
  static constexpr std::uint32_t kRate = 48000;        // Opus's own rate: granules, pre-skip
  static constexpr std::uint32_t kFrameSamples = 960;  // 20 ms packets
  static constexpr std::uint32_t kMinPreRollSamples = 3840;  // 80 ms at least primed into a chained link
  static constexpr std::uint32_t kStreamPageMs = 100;

  // Throws std::invalid_argument, before anything is encoded, for: channels other than 1 or 2;
  // a sample rate outside 8000-384000 Hz; bitrateKbps outside 6-510 (0: 128 stereo, 64 mono);
  // metadata that cannot be a Vorbis comment (ogg_opus_headers.hpp). The first link's header
  // pages are made here and come out with the first bytes appended by any call below.
  explicit OpusStreamEncoder(const StreamSpec& spec, std::uint32_t pageMs = kStreamPageMs);
  ~OpusStreamEncoder() override;
  OpusStreamEncoder(const OpusStreamEncoder&) = delete;
  OpusStreamEncoder& operator=(const OpusStreamEncoder&) = delete;

  // NaN and infinities are encoded as silence, the rest clipped to ±1 (as the MP3 writer does).
  void encode(const float* interleaved, std::size_t frames, std::vector<std::uint8_t>& out) override;
  // Tags checked first (std::invalid_argument; nothing changes then). Returns true.
  bool setMetadata(const std::map<std::string, std::string>& tags, std::vector<std::uint8_t>& out) override;
  void finish(std::vector<std::uint8_t>& out) override;
  std::uint64_t pendingFrames() const noexcept override;
  int bitrateKbps() const noexcept override { return kbps_; }
  const char* contentType() const noexcept override { return "audio/ogg"; }

  // Every packet encoded so far out on a page now (a file's checkpoint). Less than one packet of
  // audio (20 ms, plus the resampler's 32 input frames) stays behind: Opus packets are whole.
  void flushPage(std::vector<std::uint8_t>& out);

  std::uint32_t channels() const noexcept { return channels_; }
  std::uint32_t sampleRate() const noexcept { return rate_; }
  std::uint32_t lookahead() const noexcept { return lookahead_; }
  std::uint32_t preSkip() const noexcept { return preSkip_; }   // the current link's
  std::uint32_t preRoll() const noexcept { return preRoll_; }   // a chained link's lead
  std::uint32_t serial() const noexcept { return pager_.serial(); }
  std::uint32_t links() const noexcept { return links_; }
  std::uint64_t framesIn() const noexcept { return framesIn_; }
  bool finished() const noexcept { return finished_; }
  // "ringmix (libopus 1.3.1)": OpusTags' vendor string.
  static std::string vendor();
  // spec.bitrateKbps checked (0: the default for the channel count); throws std::invalid_argument.
  static int resolveBitrate(const StreamSpec& spec);

 private:
  struct EncoderDeleter {
    void operator()(::OpusEncoder* e) const noexcept;
  };

  void beginLink(const std::vector<std::string>& comments, std::vector<std::uint8_t>& out);
  void endLink(std::vector<std::uint8_t>& out);
  void takePending(std::vector<std::uint8_t>& out);
  void resample(const float* in, std::size_t frames, std::vector<std::uint8_t>& out);
  void feedResampled(std::uint32_t frames, std::vector<std::uint8_t>& out);  // from resampled_
  void feed(const float* in, std::size_t frames, std::vector<std::uint8_t>& out);  // the mix at 48 kHz
  void frame(const float* in, std::size_t frames, std::vector<std::uint8_t>& out);  // into packets
  void encodePacket(bool last, std::vector<std::uint8_t>& out);
  std::uint32_t newSerial();

  const std::uint32_t channels_;
  const std::uint32_t rate_;
  const int kbps_;
  const std::vector<std::string> firstTags_;  // checked before anything else is set up
  const std::uint32_t pageSamples_;
  std::unique_ptr<::OpusEncoder, EncoderDeleter> encoder_;
  std::unique_ptr<engine::Resampler> resampler_;  // null at 48 kHz
  std::uint32_t lookahead_ = 0;
  std::uint32_t dropped_ = 0;  // resampler outputs dropped at the start (see the constructor)
  std::uint32_t skip_ = 0;     // of them, still to drop

  OggPager pager_;
  std::mt19937 serials_;
  std::vector<std::uint8_t> pending_;  // header pages made outside a call that has `out`
  std::vector<float> scratch_;         // one chunk of sanitized input
  std::vector<float> resampled_;       // one chunk at 48 kHz
  std::vector<float> frame_;           // the packet being filled
  std::vector<std::uint8_t> packet_;   // libopus's output
  std::uint32_t preRoll_ = 0;
  std::vector<float> history_;         // the last preRoll_ samples of the mix at 48 kHz (zeros before it)
  std::size_t historyFill_ = 0;        // of which are the mix's
  std::size_t fill_ = 0;               // samples in frame_

  // The current link, in 48 kHz samples.
  std::uint32_t preSkip_ = 0;
  std::uint32_t lead_ = 0;      // samples before its audio: the pre-roll of a chained link
  std::uint64_t fed_ = 0;       // samples given to the encoder (lead included, padding not)
  std::uint64_t packets_ = 0;
  std::uint64_t linkBase_ = 0;  // audio samples in the links before it
  std::uint32_t links_ = 0;

  std::uint64_t framesIn_ = 0;  // at the mix's rate
  std::uint64_t produced_ = 0;  // resampler output so far
  bool finished_ = false;
};

}  // namespace ringmix::consumers
