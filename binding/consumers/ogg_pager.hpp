// OggPager: one Ogg logical stream at a time, through libogg's ogg_stream_*: packets in, whole
// pages (header and body, CRC set) appended to a byte vector out. A page is the unit a reader
// can start at and the unit that is either on disk whole or not there (the writers append whole
// pages), so what comes out of here is always complete.
#pragma once

#include <ogg/ogg.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ringmix::consumers {

class OggPager {
 public:
  OggPager() = default;
  ~OggPager();
  OggPager(const OggPager&) = delete;
  OggPager& operator=(const OggPager&) = delete;

  // Starts a logical stream with this serial number (the previous one's state, if any, is
  // dropped: end it with an eos packet and flush() first). Its first page gets the BOS flag.
  void begin(std::uint32_t serial);
  // Queues one packet; `granule` is the stream's position at its end (-1: none), `eos` marks the
  // stream's last packet (the page that completes it gets the EOS flag).
  void packet(const std::uint8_t* data, std::size_t bytes, std::int64_t granule, bool eos);
  // The pages libogg considers full (about 4 KiB, or 255 segments); returns how many came out.
  int pageout(std::vector<std::uint8_t>& out);
  // Every queued packet out now, on as few pages as they need (none queued: nothing).
  int flush(std::vector<std::uint8_t>& out);

  // The granule position of the last page out that completed a packet (0 before any).
  std::int64_t pagedGranule() const noexcept { return pagedGranule_; }
  std::uint32_t serial() const noexcept { return serial_; }
  std::uint64_t pages() const noexcept { return pages_; }

 private:
  void append(const ogg_page& page, std::vector<std::uint8_t>& out);

  ogg_stream_state state_{};
  bool open_ = false;
  std::uint32_t serial_ = 0;
  std::int64_t packetNo_ = 0;
  std::int64_t pagedGranule_ = 0;
  std::uint64_t pages_ = 0;  // in this logical stream
};

}  // namespace ringmix::consumers
