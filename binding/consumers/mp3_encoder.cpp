#include "consumers/mp3_encoder.hpp"

#include <lame/lame.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>

// LAME is linked statically (CMakeLists.txt), from a copy of Debian's libmp3lame.a in which the
// references to libc's `stderr` (LAME's default message handlers, which Mp3Encoder replaces) are
// renamed to this variable: the archive is not position-independent, and a shared object cannot
// hold its relocation against libc's data. Defined here, in the object that pulls LAME in, so that
// the static link finds it; hidden, so the reference resolves inside the addon.
// Only Linux's build renames the reference (elsewhere the archive is linked as it is).
#if defined(__linux__)
extern "C" {
__attribute__((visibility("hidden"))) std::FILE* ringmix_lame_stderr = stderr;
}
#endif

namespace ringmix::consumers {

namespace {

// 4 MPEG frames of 1152 samples: one LAME call per chunk, its output written at once.
constexpr std::size_t kChunkFrames = 4608;
// LAME's documented worst case for its output buffer: 1.25 * samples + 7200 bytes (the flush
// and the Info frame need at most 7200 and 2880).
constexpr std::size_t kMp3BufBytes = kChunkFrames * 5 / 4 + 7200;

// LAME prints its messages to stderr by default: the recorder reports through return codes.
void quiet(const char*, va_list) {}

// ID3v2 text: LAME takes Latin-1 or UTF-16 with a byte-order mark. ASCII goes as Latin-1 (the
// simple frames every reader knows), anything else as UTF-16 (invalid UTF-8 becomes U+FFFD).
bool isAscii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::vector<unsigned short> utf16(const std::string& s) {
  std::vector<unsigned short> out{0xFEFF};  // BOM in native order, as LAME expects
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0xFFFD;
    std::size_t len = 1;
    if (b < 0x80) {
      cp = b;
    } else if (b >= 0xC2 && b < 0xF5) {
      len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      std::uint32_t v = b & (0x7F >> len);
      bool ok = i + len <= s.size();
      for (std::size_t k = 1; ok && k < len; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        ok = (c & 0xC0) == 0x80;
        v = v << 6 | (c & 0x3F);
      }
      const bool overlong = (len == 3 && v < 0x800) || (len == 4 && v < 0x10000);
      if (ok && !overlong && v <= 0x10FFFF && (v < 0xD800 || v > 0xDFFF)) cp = v;
      else len = 1;
    }
    if (cp >= 0x10000) {
      out.push_back(static_cast<unsigned short>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<unsigned short>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<unsigned short>(cp));
    }
    i += len;
  }
  out.push_back(0);
  return out;
}

// title, artist, album, comment, date (its year) and genre; other keys have no ID3v2 frame here.
bool setTags(lame_t gf, const std::map<std::string, std::string>& metadata) {
  bool any = false;
  for (const auto& [key, value] : metadata) {
    if (value.empty()) continue;
    std::string text = value;
    const char* frame = nullptr;
    if (key == "title") frame = "TIT2";
    else if (key == "artist") frame = "TPE1";
    else if (key == "album") frame = "TALB";
    else if (key == "genre") frame = "TCON";
    else if (key == "date") {
      // ID3v2.3 (what LAME writes) has a year, not a date: the leading four digits.
      if (text.size() < 4 || !std::all_of(text.begin(), text.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
        continue;
      text.resize(4);
      frame = "TYER";
    } else if (key != "comment") {
      continue;
    }
    if (!any) {
      id3tag_init(gf);
      id3tag_add_v2(gf);
      id3tag_v2_only(gf);  // no ID3v1 at the end: it would follow the stream we pwrite into
      any = true;
    }
    if (isAscii(text)) {
      if (key == "title") id3tag_set_title(gf, text.c_str());
      else if (key == "artist") id3tag_set_artist(gf, text.c_str());
      else if (key == "album") id3tag_set_album(gf, text.c_str());
      else if (key == "date") id3tag_set_year(gf, text.c_str());
      else if (key == "comment") id3tag_set_comment(gf, text.c_str());
      // A name outside ID3v1's list is kept as text (-2); a number outside it is not a genre.
      else if (id3tag_set_genre(gf, text.c_str()) == -1) id3tag_set_textinfo_latin1(gf, "TCON", text.c_str());
    } else {
      const auto wide = utf16(text);
      if (frame != nullptr) {
        id3tag_set_textinfo_utf16(gf, frame, wide.data());
      } else {
        const unsigned short noDescription[] = {0xFEFF, 0};
        id3tag_set_comment_utf16(gf, "eng", noDescription, wide.data());
      }
    }
  }
  return any;
}

}  // namespace

std::vector<int> Mp3Encoder::allowedBitrates(std::uint32_t sampleRate) {
  switch (sampleRate) {
    case 32000: case 44100: case 48000:  // MPEG-1
      return {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    case 16000: case 22050: case 24000:  // MPEG-2
      return {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    case 8000: case 11025: case 12000:  // MPEG-2.5 (LAME stops at 64)
      return {8, 16, 24, 32, 40, 48, 56, 64};
    default:
      return {};
  }
}

int Mp3Encoder::resolveBitrate(std::uint32_t sampleRate, std::uint32_t channels, int bitrateKbps) {
  if (channels != 1 && channels != 2)
    throw std::invalid_argument("channels: " + std::to_string(channels) +
                                " is not supported for mp3 (1 or 2)");
  const auto allowed = allowedBitrates(sampleRate);
  // No resampling: the file keeps the mix's rate, so only MPEG's own rates will do.
  if (allowed.empty())
    throw std::invalid_argument("sampleRate: " + std::to_string(sampleRate) +
                                " is not supported for mp3 (8000, 11025, 12000, 16000, 22050, "
                                "24000, 32000, 44100 or 48000 Hz)");
  if (bitrateKbps == 0) return std::min(192, allowed.back());
  if (std::find(allowed.begin(), allowed.end(), bitrateKbps) == allowed.end()) {
    std::string list;
    for (int k : allowed) list += (list.empty() ? "" : ", ") + std::to_string(k);
    throw std::invalid_argument("bitrateKbps: " + std::to_string(bitrateKbps) +
                                " is not allowed for mp3 at " + std::to_string(sampleRate) +
                                " Hz (" + list + ")");
  }
  return bitrateKbps;
}

void Mp3Encoder::LameDeleter::operator()(lame_global_struct* gf) const noexcept { lame_close(gf); }

Mp3Encoder::Mp3Encoder(std::uint32_t sampleRate, std::uint32_t channels, int bitrateKbps, bool infoFrame,
                       const std::map<std::string, std::string>& tags)
    : kbps_(resolveBitrate(sampleRate, channels, bitrateKbps)),
      sampleRate_(sampleRate),
      channels_(channels),
      lame_(lame_init()),
      scratch_(kChunkFrames * channels),
      mp3buf_(kMp3BufBytes) {
  lame_t gf = lame_.get();
  if (gf == nullptr) throw std::bad_alloc();
  lame_set_errorf(gf, quiet);
  lame_set_debugf(gf, quiet);
  lame_set_msgf(gf, quiet);
  lame_set_in_samplerate(gf, static_cast<int>(sampleRate));
  lame_set_out_samplerate(gf, static_cast<int>(sampleRate));
  lame_set_num_channels(gf, static_cast<int>(channels));
  lame_set_mode(gf, channels == 1 ? MONO : JOINT_STEREO);
  lame_set_VBR(gf, vbr_off);
  lame_set_brate(gf, kbps_);
  // LAME's own default: near-best quality at a cost a consumer thread easily affords.
  lame_set_quality(gf, 3);
  // The Info frame for CBR too: it carries the encoder delay and padding for gapless decoding.
  lame_set_bWriteVbrTag(gf, infoFrame ? 1 : 0);
  // The ID3v2 tag goes out by the caller (id3v2Tag()), so that it knows where the audio starts.
  lame_set_write_id3tag_automatic(gf, 0);
  tagged_ = setTags(gf, tags);
  if (lame_init_params(gf) < 0)
    throw std::invalid_argument("mp3: LAME refused " + std::to_string(sampleRate) + " Hz, " +
                                std::to_string(channels) + " channels, " + std::to_string(kbps_) + " kbit/s");
}

Mp3Encoder::~Mp3Encoder() = default;

double Mp3Encoder::bytesPerFrame() const noexcept {
  return static_cast<double>(samplesPerFrame()) / 8.0 * kbps_ * 1000.0 / sampleRate_;
}

std::vector<unsigned char> Mp3Encoder::id3v2Tag() {
  if (!tagged_) return {};
  lame_t gf = lame_.get();
  std::vector<unsigned char> tag(lame_get_id3v2_tag(gf, nullptr, 0));
  const std::size_t n = lame_get_id3v2_tag(gf, tag.data(), tag.size());
  if (n > tag.size()) throw std::runtime_error("mp3: the ID3v2 tag changed size");
  tag.resize(n);
  return tag;
}

std::vector<unsigned char> Mp3Encoder::infoFrame() {
  lame_t gf = lame_.get();
  // Asked with no room, LAME tells the size (0: no frame encoded yet, nothing to describe).
  const std::size_t size = lame_get_lametag_frame(gf, nullptr, 0);
  if (size == 0) return {};
  std::vector<unsigned char> frame(size);
  if (lame_get_lametag_frame(gf, frame.data(), size) != size) return {};
  return frame;
}

void Mp3Encoder::emit(int bytes, const Sink& sink) {
  if (bytes < 0) throw std::runtime_error("mp3: LAME failed (error " + std::to_string(bytes) + ")");
  if (bytes > 0) sink(mp3buf_.data(), static_cast<std::size_t>(bytes));
}

void Mp3Encoder::encode(const float* interleaved, std::size_t frames, const Sink& sink) {
  lame_t gf = lame_.get();
  while (frames > 0) {
    const std::size_t n = std::min(frames, kChunkFrames);
    // NaN and infinities become silence, the rest is clipped to full scale: the psychoacoustic
    // model is not made for either, and the mix may carry them for a block.
    float* s = scratch_.data();
    for (std::size_t i = 0; i < n * channels_; ++i) {
      const float x = interleaved[i];
      s[i] = std::isfinite(x) ? std::clamp(x, -1.0f, 1.0f) : 0.0f;
    }
    // The interleaved entry point reads two channels; mono goes through the planar one.
    const int got =
        channels_ == 2
            ? lame_encode_buffer_interleaved_ieee_float(gf, s, static_cast<int>(n), mp3buf_.data(),
                                                        static_cast<int>(mp3buf_.size()))
            : lame_encode_buffer_ieee_float(gf, s, nullptr, static_cast<int>(n), mp3buf_.data(),
                                            static_cast<int>(mp3buf_.size()));
    framesIn_ += n;
    emit(got, sink);
    interleaved += n * channels_;
    frames -= n;
  }
}

void Mp3Encoder::flush(const Sink& sink) {
  emit(lame_encode_flush(lame_.get(), mp3buf_.data(), static_cast<int>(mp3buf_.size())), sink);
}

}  // namespace ringmix::consumers
