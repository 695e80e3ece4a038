#include "consumers/opus_stream_encoder.hpp"

#include <opus/opus.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <numeric>
#include <stdexcept>

#include "consumers/lpc_extrapolate.hpp"
#include "consumers/ogg_opus_headers.hpp"

// libopus's celt_fatal() (its hardening checks failing: a bug, then abort()) prints to this, not to
// `stderr`: CMakeLists.txt renames the reference in a copy of Debian's libopus.a, where it was the
// one relocation a shared object cannot hold. Defined here, in the object that pulls libopus in,
// so that the static link finds it; hidden, so the reference resolves inside the addon.
// Only Linux's build renames the reference (elsewhere the archive is linked as it is).
#if defined(__linux__)
extern "C" {
__attribute__((visibility("hidden"))) std::FILE* ringmix_opus_stderr = stderr;
}
#endif

namespace ringmix::consumers {

namespace {

constexpr std::size_t kChunkFrames = 4096;      // input frames sanitized at a time
constexpr std::size_t kResampledFrames = 4096;  // 48 kHz frames resampled at a time
// libopus's recommended output buffer: a 20 ms packet is at most 1275 bytes per stream.
constexpr std::size_t kMaxPacketBytes = 4000;

std::uint32_t checkedChannels(std::uint32_t channels) {
  // Mapping family 0 covers mono and stereo; more channels would need family 1 and libopus's
  // multistream encoder, which a stereo mix has no use for.
  if (channels != 1 && channels != 2)
    throw std::invalid_argument("channels: " + std::to_string(channels) + " is not supported for opus (1 or 2)");
  return channels;
}

std::uint32_t checkedRate(std::uint32_t rate) {
  if (rate < 8000 || rate > 384000)
    throw std::invalid_argument("sampleRate: " + std::to_string(rate) + " is not supported (8000 to 384000 Hz)");
  return rate;
}

void check(int result, const char* what) {
  if (result != OPUS_OK) throw std::runtime_error(std::string("opus: ") + what + ": " + opus_strerror(result));
}

}  // namespace

void OpusStreamEncoder::EncoderDeleter::operator()(::OpusEncoder* e) const noexcept { opus_encoder_destroy(e); }

std::string OpusStreamEncoder::vendor() { return std::string("ringmix (") + opus_get_version_string() + ")"; }

int OpusStreamEncoder::resolveBitrate(const StreamSpec& spec) {
  checkedChannels(spec.channels);
  if (spec.bitrateKbps == 0) return spec.channels == 2 ? 128 : 64;
  // libopus takes 6 to 510 kbit/s (OPUS_SET_BITRATE's 500 to 512000 bit/s, in whole kbit/s).
  if (spec.bitrateKbps < 6 || spec.bitrateKbps > 510)
    throw std::invalid_argument("bitrateKbps: " + std::to_string(spec.bitrateKbps) +
                                " is not supported for opus (6 to 510 kbit/s)");
  return spec.bitrateKbps;
}

OpusStreamEncoder::OpusStreamEncoder(const StreamSpec& spec, std::uint32_t pageMs)
    : channels_(checkedChannels(spec.channels)),
      rate_(checkedRate(spec.sampleRate)),
      kbps_(resolveBitrate(spec)),
      firstTags_(opusComments(spec.metadata)),
      pageSamples_(std::max<std::uint32_t>(pageMs, 1) * (kRate / 1000)),
      scratch_(kChunkFrames * channels_),
      resampled_(kResampledFrames * channels_),
      frame_(kFrameSamples * channels_),
      packet_(kMaxPacketBytes) {
  int err = OPUS_OK;
  encoder_.reset(opus_encoder_create(static_cast<opus_int32>(kRate), static_cast<int>(channels_),
                                     OPUS_APPLICATION_AUDIO, &err));
  if (err == OPUS_ALLOC_FAIL) throw std::bad_alloc();
  check(err, "cannot create the encoder");
  ::OpusEncoder* e = encoder_.get();
  check(opus_encoder_ctl(e, OPUS_SET_BITRATE(static_cast<opus_int32>(kbps_) * 1000)), "bit rate");
  // Constrained VBR: the quality of VBR while the rate over a few packets stays near the target,
  // which a network stream's listeners need (a constant-rate pipe, small buffers).
  check(opus_encoder_ctl(e, OPUS_SET_VBR(1)), "VBR");
  check(opus_encoder_ctl(e, OPUS_SET_VBR_CONSTRAINT(1)), "constrained VBR");
  opus_int32 lookahead = 0;
  check(opus_encoder_ctl(e, OPUS_GET_LOOKAHEAD(&lookahead)), "look-ahead");
  lookahead_ = static_cast<std::uint32_t>(lookahead);
  // A chained link's pre-skip (look-ahead + pre-roll) ends on a packet boundary, so that no packet
  // holds both samples to skip and samples to play: ffmpeg 5.1 mishandles such a packet at the
  // start of a chained link when it is also the last (a link chained again within 13 ms) and
  // decodes the look-ahead's 312 samples too many. At 48 kHz: 4488 samples, 93.5 ms.
  preRoll_ = (kMinPreRollSamples + lookahead_ + kFrameSamples - 1) / kFrameSamples * kFrameSamples - lookahead_;
  history_.assign(static_cast<std::size_t>(preRoll_) * channels_, 0.0f);
  if (rate_ != kRate) {
    resampler_ = std::make_unique<engine::Resampler>(channels_, rate_, kRate);
    // Its output n sits at input frame n × rate/48000 - 1: one input frame late, which is a
    // fraction of a 48 kHz sample at most rates (0.5 at 96 kHz, 1.09 at 44.1 kHz). Led by
    // `zeros` frames of silence, with the first skip_ outputs dropped, output n sits at
    // (n + skip_) × rate/48000 - 1 - zeros = n × rate/48000 exactly when skip_ × rate/48000 =
    // zeros + 1: skip_ = 48000/g and zeros = rate/g - 1, g the two rates' greatest common
    // divisor (44.1 kHz: 146 frames of silence, 160 outputs dropped). So the decoded stream
    // starts on the mix's first frame, to the sample, at any rate.
    const std::uint32_t g = std::gcd(rate_, kRate);
    skip_ = dropped_ = kRate / g;
    std::fill(scratch_.begin(), scratch_.end(), 0.0f);
    for (std::size_t zeros = rate_ / g - 1; zeros > 0;) {
      const std::size_t n = std::min(zeros, kChunkFrames);
      resample(scratch_.data(), n, pending_);  // produces fewer than skip_ outputs: nothing to encode
      zeros -= n;
    }
  }
  // Serials must differ between the links of a chain and, ideally, between streams that may end
  // up concatenated: seeded from both clocks (to the nanosecond) and this encoder's address. Not
  // std::random_device: the statically linked C++ runtime would then need glibc's arc4random
  // (2.36), raising the glibc a prebuilt addon needs for a serial that need not be secret.
  const auto wall = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  const auto mono = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const auto self = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(this));
  std::seed_seq seed{static_cast<std::uint32_t>(wall), static_cast<std::uint32_t>(wall >> 32),
                     static_cast<std::uint32_t>(mono), static_cast<std::uint32_t>(self),
                     static_cast<std::uint32_t>(self >> 32)};
  serials_.seed(seed);
  beginLink(firstTags_, pending_);
}

OpusStreamEncoder::~OpusStreamEncoder() = default;

std::uint32_t OpusStreamEncoder::newSerial() {
  std::uint32_t s = serials_();
  while (links_ > 0 && s == pager_.serial()) s = serials_();
  return s;
}

void OpusStreamEncoder::takePending(std::vector<std::uint8_t>& out) {
  if (pending_.empty()) return;
  out.insert(out.end(), pending_.begin(), pending_.end());
  pending_.clear();
}

void OpusStreamEncoder::beginLink(const std::vector<std::string>& comments, std::vector<std::uint8_t>& out) {
  // A chained link leads with the pre-roll: the mix's last samples, which the previous link has
  // already carried (the first link has none: it starts with the mix).
  lead_ = links_ == 0 ? 0 : preRoll_;
  preSkip_ = lookahead_ + lead_;
  fed_ = 0;
  packets_ = 0;
  fill_ = 0;
  pager_.begin(newSerial());
  ++links_;
  // RFC 7845: OpusHead alone on the first page, OpusTags on the next, audio from a fresh page.
  const auto head = opusHead(channels_, static_cast<std::uint16_t>(preSkip_), rate_);
  pager_.packet(head.data(), head.size(), 0, false);
  pager_.flush(out);
  const auto tags = opusTags(vendor(), comments);
  pager_.packet(tags.data(), tags.size(), 0, false);
  pager_.flush(out);
  // The pre-roll: the mix's last preRoll_ samples (silence before it, if it is not that long yet).
  if (links_ > 1) frame(history_.data(), preRoll_, out);
}

void OpusStreamEncoder::endLink(std::vector<std::uint8_t>& out) {
  // The decoder must get fed_ + lookahead samples out (the encoder's delay comes first), then
  // drops preSkip_ of them: the last packet is padded up to a whole packet, and its granule says
  // where the audio ends, so the padding is trimmed (always less than one packet). The padding
  // continues the mix by linear prediction rather than by silence (lpc_extrapolate.hpp).
  const std::uint64_t end = lookahead_ + fed_;
  const std::uint64_t packets = (end + kFrameSamples - 1) / kFrameSamples;
  const std::size_t pad = static_cast<std::size_t>(packets * kFrameSamples - (packets_ * kFrameSamples + fill_));
  std::vector<float> tail(pad * channels_);
  lpcExtrapolate(history_.data() + (preRoll_ - historyFill_) * channels_, historyFill_, channels_,
                 tail.data(), pad);
  for (std::size_t at = 0; at < pad;) {
    const std::size_t n = std::min(pad - at, kFrameSamples - fill_);
    std::memcpy(frame_.data() + fill_ * channels_, tail.data() + at * channels_, n * channels_ * sizeof(float));
    fill_ += n;
    at += n;
    if (fill_ == kFrameSamples) encodePacket(packets_ + 1 == packets, out);
  }
  pager_.flush(out);
  linkBase_ += fed_ - lead_;
}

void OpusStreamEncoder::encodePacket(bool last, std::vector<std::uint8_t>& out) {
  const opus_int32 bytes = opus_encode_float(encoder_.get(), frame_.data(), static_cast<int>(kFrameSamples),
                                             packet_.data(), static_cast<opus_int32>(packet_.size()));
  if (bytes < 0) throw std::runtime_error(std::string("opus: encoding failed: ") + opus_strerror(bytes));
  ++packets_;
  fill_ = 0;
  const std::int64_t granule =
      static_cast<std::int64_t>(last ? lookahead_ + fed_ : packets_ * kFrameSamples);
  pager_.packet(packet_.data(), static_cast<std::size_t>(bytes), granule, last);
  // Out as soon as the audio not yet on a page reaches pageMs; before that, libogg's own rule.
  if (granule - pager_.pagedGranule() >= static_cast<std::int64_t>(pageSamples_)) pager_.flush(out);
  else pager_.pageout(out);
}

void OpusStreamEncoder::frame(const float* in, std::size_t frames, std::vector<std::uint8_t>& out) {
  while (frames > 0) {
    const std::size_t n = std::min(frames, kFrameSamples - fill_);
    std::memcpy(frame_.data() + fill_ * channels_, in, n * channels_ * sizeof(float));
    fill_ += n;
    fed_ += n;
    in += n * channels_;
    frames -= n;
    if (fill_ == kFrameSamples) encodePacket(false, out);
  }
}

void OpusStreamEncoder::feed(const float* in, std::size_t frames, std::vector<std::uint8_t>& out) {
  // Keep the last preRoll_ samples for a chained link's pre-roll (and the padding's prediction).
  const std::size_t keep = preRoll_;
  if (frames >= keep) {
    std::memcpy(history_.data(), in + (frames - keep) * channels_, keep * channels_ * sizeof(float));
    historyFill_ = keep;
  } else {
    std::memmove(history_.data(), history_.data() + frames * channels_, (keep - frames) * channels_ * sizeof(float));
    std::memcpy(history_.data() + (keep - frames) * channels_, in, frames * channels_ * sizeof(float));
    historyFill_ = std::min(keep, historyFill_ + frames);
  }
  frame(in, frames, out);
}

void OpusStreamEncoder::resample(const float* in, std::size_t frames, std::vector<std::uint8_t>& out) {
  while (frames > 0) {
    const auto r = resampler_->process(in, static_cast<std::uint32_t>(frames), resampled_.data(),
                                       static_cast<std::uint32_t>(kResampledFrames));
    if (r.consumed == 0 && r.produced == 0) break;  // cannot happen with input left; no spinning
    in += static_cast<std::size_t>(r.consumed) * channels_;
    frames -= r.consumed;
    feedResampled(r.produced, out);
  }
}

void OpusStreamEncoder::feedResampled(std::uint32_t frames, std::vector<std::uint8_t>& out) {
  produced_ += frames;
  const std::uint32_t skip = std::min(frames, skip_);  // the leading outputs (see the constructor)
  skip_ -= skip;
  feed(resampled_.data() + static_cast<std::size_t>(skip) * channels_, frames - skip, out);
}

void OpusStreamEncoder::encode(const float* interleaved, std::size_t frames, std::vector<std::uint8_t>& out) {
  if (finished_) throw std::logic_error("OpusStreamEncoder::encode after finish");
  takePending(out);
  while (frames > 0) {
    const std::size_t n = std::min(frames, kChunkFrames);
    // NaN and infinities become silence, the rest is clipped to full scale: the psychoacoustic
    // model is not made for either, and the mix may carry them for a block.
    float* s = scratch_.data();
    for (std::size_t i = 0; i < n * channels_; ++i) {
      const float x = interleaved[i];
      s[i] = std::isfinite(x) ? std::clamp(x, -1.0f, 1.0f) : 0.0f;
    }
    framesIn_ += n;
    if (resampler_) resample(s, n, out);
    else feed(s, n, out);
    interleaved += n * channels_;
    frames -= n;
  }
}

bool OpusStreamEncoder::setMetadata(const std::map<std::string, std::string>& tags, std::vector<std::uint8_t>& out) {
  if (finished_) throw std::logic_error("OpusStreamEncoder::setMetadata after finish");
  const auto comments = opusComments(tags);  // before anything changes
  takePending(out);
  endLink(out);
  // A new link starts a new decoder: the encoder starts afresh too (same settings).
  check(opus_encoder_ctl(encoder_.get(), OPUS_RESET_STATE), "reset");
  beginLink(comments, out);
  return true;
}

void OpusStreamEncoder::finish(std::vector<std::uint8_t>& out) {
  if (finished_) return;
  finished_ = true;
  takePending(out);
  if (resampler_) {
    // Silence pushes the resampler's last outputs out, up to ceil(frames × 48000 / rate) past
    // the dropped ones: the length the input has at 48 kHz.
    const std::uint64_t target =
        dropped_ + (framesIn_ * kRate + rate_ - 1) / rate_;
    std::fill(scratch_.begin(), scratch_.end(), 0.0f);
    while (produced_ < target) {
      const auto want = static_cast<std::uint32_t>(std::min<std::uint64_t>(target - produced_, kResampledFrames));
      const auto r = resampler_->process(scratch_.data(), static_cast<std::uint32_t>(kChunkFrames),
                                         resampled_.data(), want);
      feedResampled(r.produced, out);
    }
  }
  endLink(out);
}

void OpusStreamEncoder::flushPage(std::vector<std::uint8_t>& out) {
  takePending(out);
  pager_.flush(out);
}

std::uint64_t OpusStreamEncoder::pendingFrames() const noexcept {
  if (finished_) return 0;
  // Audio on pages out: the current link's last paged granule, less its pre-skip.
  const std::int64_t inLink = std::max<std::int64_t>(0, pager_.pagedGranule() - preSkip_);
  const std::uint64_t out48 = linkBase_ + static_cast<std::uint64_t>(inLink);
  const std::uint64_t out = out48 * rate_ / kRate;
  return framesIn_ > out ? framesIn_ - out : 0;
}

}  // namespace ringmix::consumers
