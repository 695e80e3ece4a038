// The two header packets that begin every Ogg/Opus logical stream (RFC 7845, section 5): the
// identification header "OpusHead" and the comment header "OpusTags". Plain byte layouts, kept
// apart from the encoder so that they can be checked on their own.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ringmix::consumers {

// OpusHead for channel mapping family 0 (mono or stereo, no mapping table): version 1, the channel
// count, the pre-skip (48 kHz samples the decoder drops at the start), the input's sample rate
// (informational: players may resample back to it), output gain 0.
std::vector<std::uint8_t> opusHead(std::uint32_t channels, std::uint16_t preSkip, std::uint32_t inputRate);

// OpusTags: the vendor string, then the comments ("NAME=value", UTF-8), each length-prefixed.
std::vector<std::uint8_t> opusTags(std::string_view vendor, const std::vector<std::string>& comments);

// The recorder's metadata as Vorbis-style comments, in key order: the key uppercased as the field
// name ("title" -> "TITLE=..."), except "software", which is Vorbis's ENCODER (as in FLAC files).
// Empty values are left out. Throws std::invalid_argument naming "metadata.<key>" for a key that
// cannot be a field name (empty, or other than printable ASCII without '=') or a value that is
// not valid UTF-8.
std::vector<std::string> opusComments(const std::map<std::string, std::string>& metadata);

// Whether `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool isValidUtf8(std::string_view s) noexcept;

}  // namespace ringmix::consumers
