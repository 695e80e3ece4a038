#include "consumers/wav_header.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace ringmix::consumers {

namespace {

constexpr std::uint16_t kFormatPcm = 0x0001;
constexpr std::uint16_t kFormatFloat = 0x0003;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
constexpr std::uint32_t kJunkBytes = 28;  // = ds64 with an empty table: 3 x 64 bits + count
constexpr std::size_t kJunkAt = 12;       // right after "RIFF" <size> "WAVE"
constexpr std::uint32_t kUnknown32 = 0xFFFFFFFF;

// INFO chunk ids for the metadata keys the recorder knows, in the order they are written.
constexpr std::array<std::pair<const char*, const char*>, 6> kInfoIds{{
    {"title", "INAM"}, {"artist", "IART"}, {"comment", "ICMT"},
    {"date", "ICRD"}, {"genre", "IGNR"}, {"software", "ISFT"},
}};

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void putId(std::vector<std::uint8_t>& b, const char* id) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(id[i]));
}
void set32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void set64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// LIST/INFO with the known keys (others ignored); empty when none has a value. Each text ends
// in NUL and each subchunk is padded to an even size, as RIFF requires.
std::vector<std::uint8_t> infoList(const std::map<std::string, std::string>& metadata) {
  std::vector<std::uint8_t> info;
  for (const auto& [key, id] : kInfoIds) {
    auto it = metadata.find(key);
    if (it == metadata.end() || it->second.empty()) continue;
    const std::string& text = it->second;
    putId(info, id);
    put32(info, static_cast<std::uint32_t>(text.size() + 1));
    info.insert(info.end(), text.begin(), text.end());
    info.push_back(0);
    if ((text.size() + 1) % 2 != 0) info.push_back(0);
  }
  if (info.empty()) return info;
  std::vector<std::uint8_t> list;
  putId(list, "LIST");
  put32(list, static_cast<std::uint32_t>(4 + info.size()));
  putId(list, "INFO");
  list.insert(list.end(), info.begin(), info.end());
  return list;
}

}  // namespace

WavHeader::WavHeader(const WriterSpec& spec) : float_(spec.bitDepth == 32) {
  const auto bits = static_cast<std::uint16_t>(spec.bitDepth);
  const auto channels = static_cast<std::uint16_t>(spec.channels);
  const auto blockAlign = static_cast<std::uint16_t>(channels * (bits / 8));
  const std::uint16_t format = float_ ? kFormatFloat : kFormatPcm;
  // More than two channels need WAVE_FORMAT_EXTENSIBLE; the format then moves to the GUID.
  const bool extensible = channels > 2;

  putId(bytes_, "RIFF");
  put32(bytes_, 0);
  putId(bytes_, "WAVE");
  // Room for ds64 (EBU Tech 3306): the file can turn into RF64 later without moving the audio.
  putId(bytes_, "JUNK");
  put32(bytes_, kJunkBytes);
  bytes_.resize(bytes_.size() + kJunkBytes, 0);

  putId(bytes_, "fmt ");
  put32(bytes_, extensible ? 40 : (format == kFormatPcm ? 16 : 18));
  put16(bytes_, extensible ? kFormatExtensible : format);
  put16(bytes_, channels);
  put32(bytes_, spec.sampleRate);
  put32(bytes_, spec.sampleRate * blockAlign);
  put16(bytes_, blockAlign);
  put16(bytes_, bits);
  if (extensible) {
    put16(bytes_, 22);    // cbSize
    put16(bytes_, bits);  // valid bits: all of the container
    // No speaker positions: a mix's channels are whatever the application made of them.
    put32(bytes_, 0);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: the format tag in front of a fixed GUID tail.
    put16(bytes_, format);
    for (std::uint8_t b : {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00,
                           0x38, 0x9B, 0x71})
      bytes_.push_back(b);
  } else if (format != kFormatPcm) {
    put16(bytes_, 0);  // cbSize: non-PCM formats carry it even when empty
  }

  // Every format but plain PCM has a fact chunk (the sample count per channel).
  if (extensible || format != kFormatPcm) {
    putId(bytes_, "fact");
    put32(bytes_, 4);
    factCount_ = bytes_.size();
    put32(bytes_, 0);
  }

  const auto list = infoList(spec.metadata);
  bytes_.insert(bytes_.end(), list.begin(), list.end());

  putId(bytes_, "data");
  put32(bytes_, 0);
}

void WavHeader::update(std::uint64_t dataBytes, std::uint64_t frames, bool rf64) {
  // RIFF's size counts everything after its own 8 bytes, the data's pad byte included.
  const std::uint64_t riffBytes = bytes_.size() - 8 + dataBytes + (dataBytes & 1);
  std::uint8_t* h = bytes_.data();
  const std::size_t dataSizeAt = bytes_.size() - 4;
  if (rf64) {
    std::copy_n("RF64", 4, h);
    set32(h + 4, kUnknown32);
    std::copy_n("ds64", 4, h + kJunkAt);
    set64(h + kJunkAt + 8, riffBytes);
    set64(h + kJunkAt + 16, dataBytes);
    set64(h + kJunkAt + 24, frames);
    set32(h + kJunkAt + 32, 0);  // no table: only the data chunk is past 4 GiB
    set32(h + dataSizeAt, kUnknown32);
    if (factCount_ != 0) set32(h + factCount_, kUnknown32);
  } else {
    set32(h + 4, static_cast<std::uint32_t>(riffBytes));
    set32(h + dataSizeAt, static_cast<std::uint32_t>(dataBytes));
    if (factCount_ != 0) set32(h + factCount_, static_cast<std::uint32_t>(frames));
  }
}

}  // namespace ringmix::consumers
