// Timing, percentile and JSON helpers shared by the native benchmarks. No dependencies beyond the
// standard library (and <x86intrin.h> on x86 for the cycle counter).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define RINGMIX_BENCH_HAVE_TSC 1
#else
#define RINGMIX_BENCH_HAVE_TSC 0
#endif

namespace ringmix::bench {

// Keeps a value (or the memory behind a pointer) alive as far as the optimiser is concerned.
template <class T>
inline void doNotOptimize(const T& value) noexcept {
  asm volatile("" : : "r,m"(value) : "memory");
}

// ---- per-operation clock ------------------------------------------------------------------------
// steady_clock costs ~30 ns per pair of reads (vDSO), comparable to the operations being timed (a
// 64-frame push is tens of ns). On x86 the invariant TSC is used instead: `lfence; rdtsc` to start
// (earlier work has finished) and `rdtscp; lfence` to stop (the timed work has finished, later work
// has not started) -- about 20 ns per pair in a KVM guest, vs 30 with lfences on both sides of both
// reads. Ticks are converted to ns with a ratio calibrated against steady_clock at start-up.
// Elsewhere steady_clock is used directly (ticks are ns).
class TickClock {
 public:
  static std::uint64_t start() noexcept {
#if RINGMIX_BENCH_HAVE_TSC
    _mm_lfence();
    return __rdtsc();
#else
    return steadyNs();
#endif
  }
  static std::uint64_t stop() noexcept {
#if RINGMIX_BENCH_HAVE_TSC
    unsigned aux;
    const std::uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
#else
    return steadyNs();
#endif
  }

  static const char* name() noexcept {
    return RINGMIX_BENCH_HAVE_TSC ? "tsc (lfence;rdtsc .. rdtscp;lfence)" : "steady_clock";
  }

  // Busy-waits `ms` milliseconds and compares both clocks.
  void calibrate(int ms) {
#if RINGMIX_BENCH_HAVE_TSC
    using SC = std::chrono::steady_clock;
    const auto s0 = SC::now();
    const std::uint64_t t0 = start();
    while (SC::now() - s0 < std::chrono::milliseconds(ms)) {
    }
    const std::uint64_t t1 = stop();
    const auto s1 = SC::now();
    const double ns = std::chrono::duration<double, std::nano>(s1 - s0).count();
    nsPerTick_ = ns / static_cast<double>(t1 - t0);
#else
    (void)ms;
    nsPerTick_ = 1.0;
#endif
    // Cost of an empty timed region (two back-to-back reads): reported, not subtracted.
    std::vector<std::uint64_t> d(20000);
    for (auto& x : d) {
      const std::uint64_t a = start();
      const std::uint64_t b = stop();
      x = b - a;
    }
    std::sort(d.begin(), d.end());
    overheadNs_ = static_cast<double>(d[d.size() / 2]) * nsPerTick_;
    // Granularity: the smallest step the counter is seen to advance by. Virtualised TSCs can tick
    // in coarse steps (~10 ns in a KVM guest), which quantises every per-operation figure.
    std::uint64_t step = UINT64_MAX;
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t a = raw();
      std::uint64_t b;
      while ((b = raw()) == a) {
      }
      step = std::min(step, b - a);
    }
    resolutionNs_ = static_cast<double>(step) * nsPerTick_;
  }

  double nsPerTick() const noexcept { return nsPerTick_; }
  double overheadNs() const noexcept { return overheadNs_; }
  double resolutionNs() const noexcept { return resolutionNs_; }

  // Unfenced read, for spinning on the clock.
  static std::uint64_t raw() noexcept {
#if RINGMIX_BENCH_HAVE_TSC
    return __rdtsc();
#else
    return steadyNs();
#endif
  }

 private:
  static std::uint64_t steadyNs() noexcept {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }
  double nsPerTick_ = 1.0;
  double overheadNs_ = 0.0;
  double resolutionNs_ = 0.0;
};

// ---- percentiles ------------------------------------------------------------------------------

struct Summary {
  std::size_t count = 0;
  double min = 0, p50 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;  // ns
};

// Nearest-rank percentiles of tick deltas (sorts `ticks` in place).
template <class Tick>
Summary summarize(std::vector<Tick>& ticks, double nsPerTick) {
  Summary s;
  s.count = ticks.size();
  if (ticks.empty()) return s;
  std::sort(ticks.begin(), ticks.end());
  auto rank = [&](double q) {
    std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ticks.size())));
    i = std::clamp<std::size_t>(i, 1, ticks.size());
    return static_cast<double>(ticks[i - 1]) * nsPerTick;
  };
  long double sum = 0;
  for (auto t : ticks) sum += t;
  s.min = static_cast<double>(ticks.front()) * nsPerTick;
  s.p50 = rank(0.50);
  s.p99 = rank(0.99);
  s.p999 = rank(0.999);
  s.max = static_cast<double>(ticks.back()) * nsPerTick;
  s.mean = static_cast<double>(sum / ticks.size()) * nsPerTick;
  return s;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// ---- a minimal ordered JSON value ---------------------------------------------------------------
// Objects keep insertion order so the report reads top to bottom. Non-finite numbers become null.
class Json {
 public:
  enum class Kind { Null, Bool, Number, Integer, String, Array, Object };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : kind_(Kind::Bool), b_(b) {}
  Json(double d) : kind_(Kind::Number), d_(d) {}
  Json(int i) : kind_(Kind::Integer), i_(i) {}
  Json(long i) : kind_(Kind::Integer), i_(i) {}
  Json(long long i) : kind_(Kind::Integer), i_(i) {}
  Json(unsigned i) : kind_(Kind::Integer), i_(static_cast<long long>(i)) {}
  Json(unsigned long i) : kind_(Kind::Integer), i_(static_cast<long long>(i)) {}
  Json(unsigned long long i) : kind_(Kind::Integer), i_(static_cast<long long>(i)) {}
  Json(const char* s) : kind_(Kind::String), s_(s) {}
  Json(std::string s) : kind_(Kind::String), s_(std::move(s)) {}

  static Json object() { Json j; j.kind_ = Kind::Object; return j; }
  static Json array() { Json j; j.kind_ = Kind::Array; return j; }

  // Object member access: inserts (as null) when missing.
  Json& operator[](const std::string& key) {
    if (kind_ == Kind::Null) kind_ = Kind::Object;
    for (auto& [k, v] : members_)
      if (k == key) return *v;
    members_.emplace_back(key, std::make_unique<Json>());
    return *members_.back().second;
  }
  const Json* find(const std::string& key) const {
    for (auto& [k, v] : members_)
      if (k == key) return v.get();
    return nullptr;
  }
  void push(Json v) {
    if (kind_ == Kind::Null) kind_ = Kind::Array;
    items_.push_back(std::move(v));
  }
  double number() const {
    return kind_ == Kind::Number ? d_ : kind_ == Kind::Integer ? static_cast<double>(i_) : NAN;
  }

  Json(const Json& o) { *this = o; }
  Json(Json&&) noexcept = default;
  Json& operator=(Json&&) noexcept = default;
  Json& operator=(const Json& o) {
    if (this == &o) return *this;
    kind_ = o.kind_; b_ = o.b_; d_ = o.d_; i_ = o.i_; s_ = o.s_; items_ = o.items_;
    members_.clear();
    for (auto& [k, v] : o.members_) members_.emplace_back(k, std::make_unique<Json>(*v));
    return *this;
  }

  std::string dump(int indent = 2) const {
    std::string out;
    write(out, indent, 0);
    out += '\n';
    return out;
  }

 private:
  static void escape(std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '"';
  }
  void write(std::string& out, int indent, int depth) const {
    const std::string pad(static_cast<std::size_t>(indent * (depth + 1)), ' ');
    const std::string padEnd(static_cast<std::size_t>(indent * depth), ' ');
    switch (kind_) {
      case Kind::Null: out += "null"; break;
      case Kind::Bool: out += b_ ? "true" : "false"; break;
      case Kind::Integer: out += std::to_string(i_); break;
      case Kind::Number: {
        if (!std::isfinite(d_)) { out += "null"; break; }
        char buf[64];
        // 6 significant digits: far more than the run-to-run noise of any of these numbers.
        std::snprintf(buf, sizeof buf, "%.6g", d_);
        out += buf;
        break;
      }
      case Kind::String: escape(out, s_); break;
      case Kind::Array: {
        if (items_.empty()) { out += "[]"; break; }
        // Arrays of scalars stay on one line.
        bool flat = std::all_of(items_.begin(), items_.end(), [](const Json& j) {
          return j.kind_ != Kind::Array && j.kind_ != Kind::Object;
        });
        out += '[';
        for (std::size_t i = 0; i < items_.size(); ++i) {
          if (i) out += flat ? ", " : ",";
          if (!flat) { out += '\n'; out += pad; }
          items_[i].write(out, indent, depth + 1);
        }
        if (!flat) { out += '\n'; out += padEnd; }
        out += ']';
        break;
      }
      case Kind::Object: {
        if (members_.empty()) { out += "{}"; break; }
        out += '{';
        for (std::size_t i = 0; i < members_.size(); ++i) {
          if (i) out += ',';
          out += '\n';
          out += pad;
          escape(out, members_[i].first);
          out += ": ";
          members_[i].second->write(out, indent, depth + 1);
        }
        out += '\n';
        out += padEnd;
        out += '}';
        break;
      }
    }
  }

  Kind kind_ = Kind::Null;
  bool b_ = false;
  double d_ = 0;
  long long i_ = 0;
  std::string s_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, std::unique_ptr<Json>>> members_;
};

inline Json toJson(const Summary& s) {
  Json j = Json::object();
  j["count"] = s.count;
  j["p50"] = s.p50;
  j["p99"] = s.p99;
  j["p99_9"] = s.p999;
  j["max"] = s.max;
  j["min"] = s.min;
  j["mean"] = s.mean;
  return j;
}

}  // namespace ringmix::bench
