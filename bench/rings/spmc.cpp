// bench_rings, SpmcRing cases: 256-frame stereo writes by a producer running flat out, with
// 0, 1, 4 or 8 readers reading continuously, or 1 reader + 1 stalled reader (created, never read).
// The producer gets its own CPU; all readers are pinned to the other one and time-share it, which
// is what a real-time audio thread with its own core would see. Readers verify what they get, and
// items read + items reported lost must add up to everything written.

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "rings/common.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::bench::rings {
namespace {

using SteadyClock = std::chrono::steady_clock;

template <bool Timed>
SpmcResult transfer(Env& env, int activeReaders, bool stalledReader, std::size_t total) {
  const std::size_t chunk = kSpmcChunkFrames * kChannels;
  SpmcResult res;
  rt::SpmcRing<float> ring(kRingSamples);
  if constexpr (Timed) res.opTicks.resize(total / chunk);
  res.readers.resize(static_cast<std::size_t>(activeReaders));
  std::atomic<bool> done{false};
  StartLine start(1 + activeReaders);
  SteadyClock::time_point t0, t1;
  std::vector<std::string> errors(static_cast<std::size_t>(activeReaders));

  // Created before anything is written, never read until the end.
  std::optional<rt::SpmcRing<float>::Reader> stalled;
  if (stalledReader) stalled.emplace(ring.reader());

  std::vector<std::thread> readers;
  for (int r = 0; r < activeReaders; ++r) {
    readers.emplace_back([&, r] {
      env.pin(env.consumerCpu);
      ReaderStats& st = res.readers[static_cast<std::size_t>(r)];
      std::vector<float> buf(kSpmcReadMaxSamples);
      auto reader = ring.reader();  // at position 0: sees (or is told it lost) every sample
      Backoff backoff;
      auto readOnce = [&]() -> std::size_t {
        const auto rr = reader.read(buf.data(), buf.size());
        ++st.reads;
        st.lost += rr.lost;
        st.items += rr.items;
        if (rr.items) {
          const std::uint64_t first = reader.position() - rr.items;
          const std::size_t bad = env.verify(buf.data(), rr.items, first);
          if (bad != rr.items) {
            st.corrupt += rr.items - bad;
            if (errors[static_cast<std::size_t>(r)].empty())
              errors[static_cast<std::size_t>(r)] =
                  "SpmcRing reader " + std::to_string(r) + " got a wrong sample at position " +
                  std::to_string(first + bad);
          }
        } else {
          ++st.emptyReads;
        }
        return rr.items;
      };
      start.arriveAndWait();
      while (!done.load(std::memory_order_acquire)) {
        if (readOnce()) backoff.reset(); else backoff.wait();
      }
      // Drain to the end so that items + lost must equal everything written.
      while (reader.lag() > 0) readOnce();
      st.dropouts = reader.dropouts();
      if (st.items + st.lost != total && errors[static_cast<std::size_t>(r)].empty())
        errors[static_cast<std::size_t>(r)] =
            "SpmcRing reader " + std::to_string(r) + ": items + lost = " +
            std::to_string(st.items + st.lost) + ", expected " + std::to_string(total);
    });
  }

  std::thread producer([&] {
    env.pin(env.producerCpu);
    start.arriveAndWait();
    t0 = SteadyClock::now();
    std::size_t i = 0;
    for (std::uint64_t sent = 0; sent < total; sent += chunk, ++i) {
      const float* src = env.source(sent);
      if constexpr (Timed) {
        const std::uint64_t a = TickClock::start();
        ring.write(src, chunk);
        const std::uint64_t b = TickClock::stop();
        res.opTicks[i] = tickDelta(a, b);
      } else {
        ring.write(src, chunk);
      }
    }
    t1 = SteadyClock::now();
    done.store(true, std::memory_order_release);
  });

  producer.join();
  for (auto& t : readers) t.join();
  res.seconds = std::chrono::duration<double>(t1 - t0).count();

  if (stalled) {
    // The stalled reader must be told exactly what it missed, and what it does get must be right.
    res.hasStalled = true;
    res.stalledLag = stalled->lag();
    std::vector<float> buf(kSpmcReadMaxSamples);
    const auto rr = stalled->read(buf.data(), buf.size());
    res.stalledFirstItems = rr.items;
    res.stalledFirstLost = rr.lost;
    const std::uint64_t first = stalled->position() - rr.items;
    if (env.verify(buf.data(), rr.items, first) != rr.items)
      errors.push_back("SpmcRing stalled reader got wrong data after its dropout");
    if (rr.lost != first)
      errors.push_back("SpmcRing stalled reader: lost " + std::to_string(rr.lost) +
                       " but resumed at position " + std::to_string(first));
  }
  for (auto& e : errors)
    if (!e.empty()) {
      res.ok = false;
      res.error = e;
      break;
    }
  return res;
}

}  // namespace

SpmcResult runSpmc(Env& env, bool timed, int activeReaders, bool stalledReader, std::size_t total) {
  return timed ? transfer<true>(env, activeReaders, stalledReader, total)
               : transfer<false>(env, activeReaders, stalledReader, total);
}

}  // namespace ringmix::bench::rings
