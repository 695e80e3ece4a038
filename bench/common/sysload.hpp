// How busy the rest of the machine was while a case ran. On a small shared box (2 vCPUs, other
// jobs, a hypervisor) that is the first thing to check before reading anything into a number, so
// each case records it next to its results.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace ringmix::bench {

// CPU use from /proc/stat (all CPUs) and /proc/self/stat (this process), in USER_HZ ticks (10 ms):
// coarse, but every measured pass lasts tens of milliseconds or more. Linux only; elsewhere
// valid() is false and the report says null.
class LoadProbe {
 public:
  struct Sample {
    std::uint64_t total = 0, busy = 0, steal = 0, self = 0;
    bool ok = false;
  };

  static Sample sample() {
    Sample s;
    std::ifstream stat("/proc/stat");
    std::string cpu;
    std::uint64_t v[10] = {};
    if (!(stat >> cpu) || cpu != "cpu") return s;
    for (auto& x : v) stat >> x;  // user nice system idle iowait irq softirq steal guest guest_nice
    s.total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    s.busy = v[0] + v[1] + v[2] + v[5] + v[6];
    s.steal = v[7];
    std::ifstream self("/proc/self/stat");
    std::string line;
    if (!std::getline(self, line)) return s;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return s;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && (rest >> field); ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    s.self = utime + stime;
    s.ok = true;
    return s;
  }

  // Fraction of the whole machine's CPU time (all cores) used by other processes, and stolen by the
  // hypervisor, between two samples. Negative values (tick rounding) are clamped to 0.
  struct Load {
    double others = -1, steal = -1;
    bool valid() const { return others >= 0; }
  };
  static Load between(const Sample& a, const Sample& b) {
    Load l;
    if (!a.ok || !b.ok || b.total <= a.total) return l;
    const double total = static_cast<double>(b.total - a.total);
    const double busy = static_cast<double>(b.busy - a.busy);
    const double self = static_cast<double>(b.self - a.self);
    l.others = busy > self ? (busy - self) / total : 0.0;
    l.steal = static_cast<double>(b.steal - a.steal) / total;
    return l;
  }
};

}  // namespace ringmix::bench
