#include "consumers/ogg_opus_headers.hpp"

#include <stdexcept>

namespace ringmix::consumers {

namespace {

// Ogg/Opus stores every multi-byte field little-endian.
void putLe(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void putString(std::vector<std::uint8_t>& out, std::string_view s) {
  putLe(out, s.size(), 4);
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

std::vector<std::uint8_t> opusHead(std::uint32_t channels, std::uint16_t preSkip, std::uint32_t inputRate) {
  const std::string_view magic = "OpusHead";
  std::vector<std::uint8_t> h(magic.begin(), magic.end());
  h.push_back(1);  // version 1 (a decoder reads any of 1-15 as this layout)
  h.push_back(static_cast<std::uint8_t>(channels));
  putLe(h, preSkip, 2);
  putLe(h, inputRate, 4);
  putLe(h, 0, 2);  // output gain (Q7.8 dB): the mix is already at its level
  h.push_back(0);  // channel mapping family 0: 1 or 2 channels, no table follows
  return h;
}

std::vector<std::uint8_t> opusTags(std::string_view vendor, const std::vector<std::string>& comments) {
  const std::string_view magic = "OpusTags";
  std::vector<std::uint8_t> t(magic.begin(), magic.end());  // (insert() into an empty vector: a GCC 12 false warning)
  putString(t, vendor);
  putLe(t, comments.size(), 4);
  for (const auto& c : comments) putString(t, c);
  return t;
}

std::vector<std::string> opusComments(const std::map<std::string, std::string>& metadata) {
  std::vector<std::string> comments;
  for (const auto& [key, value] : metadata) {
    // A field name is printable ASCII (0x20-0x7D) without '=' (the Vorbis comment rule RFC 7845
    // takes over); players compare names case-insensitively, and uppercase is the custom.
    bool nameOk = !key.empty();
    std::string name;
    for (char c : key) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u > 0x7D || c == '=') nameOk = false;
      name += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    if (!nameOk)
      throw std::invalid_argument("metadata." + key + ": not a valid tag name (printable ASCII without '=')");
    if (!isValidUtf8(value)) throw std::invalid_argument("metadata." + key + ": not valid UTF-8");
    if (value.empty()) continue;
    if (key == "software") name = "ENCODER";
    comments.push_back(name + "=" + value);
  }
  return comments;
}

bool isValidUtf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b < 0xC2 || b > 0xF4) return false;  // a continuation byte, an overlong lead, or past U+10FFFF
    const std::size_t len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (i + len > s.size()) return false;
    std::uint32_t cp = b & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = cp << 6 | (c & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace ringmix::consumers
