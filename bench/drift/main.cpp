// bench_drift: how the end-to-end latency of a source on a clock of its own behaves over minutes
// (real time) or hours (simulated), with and without drift compensation, and in a rebuild of the
// original design's mutex + deque pipeline. Prints JSON on stdout, progress on stderr.
//
//   bench_drift [--simulated] [--minutes N] [--ppm 100,-100,500,-500] [--plot FILE.svg] [--quick]
//               [--sequential | --concurrent] [--variants ringmix,uncompensated,mutexRing] [--csv FILE]
//
// For each clock offset (ppm) and each variant, one mixer (48 kHz, 256-frame periods, mono mix)
// with one input: a virtual device emitting a one-sample impulse per second of its own clock. The
// latency of impulse k is its position in the mix minus when it was produced on the master's
// timeline (k seconds of the device's clock: k * 48000 / (1 + ppm/1e6) master frames); see
// drift/markers.hpp. Variants:
//   ringmix        compensateDrift: true (the engine steering a resampler to hold its ring's fill)
//   uncompensated  compensateDrift: false (the ring's fill follows the clocks apart)
//   mutexRing      not the engine: producer and mix threads around a mutex-guarded deque
//                  (drift/mutex_pipeline.hpp), the original design's "before"
//
// Real time (default): ClockMode::Virtual, the engine's own clock threads on CLOCK_MONOTONIC, and
// the pipeline's two threads. Every mixer of a run starts together, so the run lasts N minutes;
// --sequential runs the variants one after another instead (three times as long) for a machine
// where running them all at once causes xruns. Simulated: ClockMode::Simulated and advance(), the
// pipeline in lockstep, as fast as the CPU goes (hours of device time in seconds).
//
// --quick: 20 s of device time (the CI smoke run uses it with --simulated). --variants runs only
// some variants; --csv writes every marker's latency (variant,ppm,time_s,latency_ms) for a closer
// look than the figures give. The exit status is 0
// whenever the benchmark ran: goals are reported in the JSON, never enforced; 1 means the
// measurement itself failed (a subject whose mix showed no markers), 2 a bad command line.
#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/stats.hpp"
#include "common/sysload.hpp"
#include "drift/report.hpp"
#include "drift/subject.hpp"
#include "drift/svg.hpp"

using namespace ringmix::bench;
using namespace ringmix::bench::drift;

namespace {

struct Options {
  bool simulated = false;
  bool quick = false;
  bool sequential = false;
  double minutes = 10.0;
  std::vector<double> ppms{100, -100, 500, -500};
  std::vector<Variant> variants{Variant::Ringmix, Variant::Uncompensated, Variant::MutexRing};
  std::string plot;
  std::string csv;
};

int usage(const char* why) {
  std::fprintf(stderr,
               "bench_drift: %s\nusage: bench_drift [--simulated] [--minutes N] [--ppm 100,-100,500,-500] "
               "[--plot FILE.svg] [--quick] [--sequential | --concurrent] [--variants ringmix,uncompensated,mutexRing] [--csv FILE]\n",
               why);
  return 2;
}

bool parseVariants(const std::string& list, std::vector<Variant>& out) {
  out.clear();
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    bool known = false;
    for (Variant v : {Variant::Ringmix, Variant::Uncompensated, Variant::MutexRing})
      if (item == variantName(v)) out.push_back(v), known = true;
    if (!known) return false;
  }
  return !out.empty();
}

bool parsePpms(const std::string& list, std::vector<double>& out) {
  out.clear();
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    // Beyond ±5000 ppm the engine's resampler is clamped: not a drift any crystal has.
    if (item.empty() || *end != '\0' || !std::isfinite(v) || std::fabs(v) > 5000) return false;
    out.push_back(v);
  }
  return !out.empty();
}

// Returns 0 when parsed, else the exit status.
int parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--simulated") {
      o.simulated = true;
    } else if (a == "--quick") {
      o.quick = true;
    } else if (a == "--sequential") {
      o.sequential = true;
    } else if (a == "--concurrent") {
      o.sequential = false;
    } else if (a == "--minutes") {
      const char* v = value();
      char* end = nullptr;
      o.minutes = v ? std::strtod(v, &end) : NAN;
      if (!v || *end != '\0' || !(o.minutes > 0) || o.minutes > 24 * 60) return usage("--minutes takes a number of minutes (0 < N <= 1440)");
    } else if (a == "--ppm") {
      const char* v = value();
      if (!v || !parsePpms(v, o.ppms)) return usage("--ppm takes a comma-separated list of offsets within ±5000");
    } else if (a == "--variants") {
      const char* v = value();
      if (!v || !parseVariants(v, o.variants)) return usage("--variants takes a list of ringmix, uncompensated, mutexRing");
    } else if (a == "--csv") {
      const char* v = value();
      if (!v || !*v) return usage("--csv takes a file name");
      o.csv = v;
    } else if (a == "--plot") {
      const char* v = value();
      if (!v || !*v) return usage("--plot takes a file name");
      o.plot = v;
    } else {
      return usage(("unknown argument " + a).c_str());
    }
  }
  if (o.quick) o.minutes = 20.0 / 60.0;  // 20 s of device time
  return 0;
}

std::int64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void sleepUntilNs(std::int64_t ns) {
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

std::string describe(const Subject& s) {
  char buf[200];
  const auto& p = s.points();
  const auto xruns = s.isEngine() ? s.engineCounters().xruns : s.pipeStats().xruns;
  const auto underruns = s.isEngine() ? s.engineCounters().underruns : s.pipeStats().underruns;
  std::snprintf(buf, sizeof buf, "%s %+g ppm: %zu markers, latency %.3f ms, %llu xruns, %llu underruns%s",
                variantName(s.variant()), s.ppm(), p.size(), p.empty() ? NAN : p.back().latencyMs,
                static_cast<unsigned long long>(xruns), static_cast<unsigned long long>(underruns),
                !s.isEngine() || s.variant() != Variant::Ringmix ? ""
                : s.lockedNow()                                   ? ", locked"
                                                                  : ", not locked");
  return buf;
}

// Simulated: each subject on its own, as fast as it goes, metrics every ~100 ms of mix time.
void runSimulated(std::vector<std::unique_ptr<Subject>>& subjects, double seconds, const Setup& setup) {
  const auto cycles = static_cast<std::uint64_t>(std::llround(seconds * setup.sampleRate / setup.periodFrames));
  const auto chunk = std::max<std::uint64_t>(1, std::llround(0.1 * setup.sampleRate / setup.periodFrames));
  for (auto& s : subjects) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t done = 0; done < cycles;) {
      const std::uint64_t n = std::min(chunk, cycles - done);
      s->advance(n, setup.periodFrames);
      done += n;
      s->drain();
      s->sampleMetrics();
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "bench_drift: %s (%.1f s)\n", describe(*s).c_str(), wall);
  }
}

// Real time: the group starts together; the main thread reads every mix each 20 ms (the broadcast
// rings hold 2.7 s) and samples the metrics every 100 ms.
void runRealtime(const std::vector<Subject*>& group, double seconds, bool quick) {
  for (Subject* s : group) s->start();
  const std::int64_t t0 = monotonicNs();
  const std::int64_t end = t0 + static_cast<std::int64_t>(seconds * 1e9);
  const std::int64_t progressEvery = quick ? 5'000'000'000 : 30'000'000'000;
  std::int64_t nextProgress = t0 + progressEvery;
  for (std::uint64_t tick = 1;; ++tick) {
    const std::int64_t due = t0 + static_cast<std::int64_t>(tick) * 20'000'000;
    if (due > end) break;
    sleepUntilNs(due);
    for (Subject* s : group) s->drain();
    if (tick % 5 == 0)
      for (Subject* s : group) s->sampleMetrics();
    if (due >= nextProgress) {
      nextProgress += progressEvery;
      std::fprintf(stderr, "bench_drift: %.1f / %.1f s\n", (due - t0) * 1e-9, seconds);
      for (Subject* s : group) std::fprintf(stderr, "  %s\n", describe(*s).c_str());
    }
  }
  for (Subject* s : group) s->sampleMetrics();
  for (Subject* s : group) s->stop();
  for (Subject* s : group) {
    s->drain();
    s->sampleMetrics();
  }
}

// Every marker, for a closer look than the figures and the plot give: variant,ppm,time_s,latency_ms.
void writeCsv(const std::string& path, const std::vector<std::unique_ptr<Subject>>& subjects) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "bench_drift: could not write %s\n", path.c_str());
    return;
  }
  std::fprintf(f, "variant,ppm,time_s,latency_ms\n");
  for (const auto& s : subjects)
    for (const auto& p : s->points())
      std::fprintf(f, "%s,%g,%.6f,%.6f\n", variantName(s->variant()), s->ppm(), p.timeS, p.latencyMs);
  std::fclose(f);
}

void writePlot(const std::string& path, const std::vector<std::unique_ptr<Subject>>& subjects,
               const std::vector<double>& ppms, const std::string& subtitle) {
  static const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
  const char* titles[] = {"ringmix (compensateDrift: true), scaled to the markers after lock",
                          "uncompensated (compensateDrift: false)", "mutexRing (mutex + deque pipeline, the original design)"};
  std::vector<PlotPanel> panels;
  for (Variant v : {Variant::Ringmix, Variant::Uncompensated, Variant::MutexRing}) {
    PlotPanel panel;
    panel.title = titles[static_cast<int>(v)];
    for (const auto& s : subjects) {
      if (s->variant() != v) continue;
      std::size_t idx = 0;
      while (idx < ppms.size() && ppms[idx] != s->ppm()) ++idx;
      PlotSeries series;
      char label[48];
      std::snprintf(label, sizeof label, "%+g ppm", s->ppm());
      series.label = label;
      series.colour = kColours[idx % (sizeof kColours / sizeof *kColours)];
      series.points = s->points();
      series.scaleFromS = std::isnan(s->lockTimeS()) ? 0.0 : s->lockTimeS();
      panel.series.push_back(std::move(series));
    }
    if (!panel.series.empty()) panels.push_back(std::move(panel));
  }
  if (drift::writePlot(path, "ringmix drift benchmark: end-to-end latency of a source on a skewed clock", subtitle,
                       panels))
    std::fprintf(stderr, "bench_drift: plot written to %s\n", path.c_str());
  else
    std::fprintf(stderr, "bench_drift: could not write %s\n", path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (const int rc = parse(argc, argv, opt)) return rc;
  Setup setup;
  setup.simulated = opt.simulated;
  const double seconds = opt.minutes * 60.0;
  const bool sequential = !opt.simulated && opt.sequential;

  std::vector<std::unique_ptr<Subject>> subjects;
  for (Variant v : opt.variants)
    for (double ppm : opt.ppms) subjects.push_back(std::make_unique<Subject>(v, ppm, setup));

  std::fprintf(stderr, "bench_drift: %s, %.2f min of device time, %zu clocks x %zu variants%s\n",
               opt.simulated ? "simulated" : "real time", opt.minutes, opt.ppms.size(), opt.variants.size(),
               opt.simulated ? "" : sequential ? ", variants one after another" : ", all at once");
  const auto wall0 = std::chrono::steady_clock::now();
  const auto load0 = LoadProbe::sample();
  if (opt.simulated) {
    runSimulated(subjects, seconds, setup);
  } else if (sequential) {
    for (Variant v : opt.variants) {
      std::vector<Subject*> group;
      for (auto& s : subjects)
        if (s->variant() == v) group.push_back(s.get());
      std::fprintf(stderr, "bench_drift: running %s\n", variantName(v));
      runRealtime(group, seconds, opt.quick);
    }
  } else {
    std::vector<Subject*> group;
    for (auto& s : subjects) group.push_back(s.get());
    runRealtime(group, seconds, opt.quick);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const auto load = LoadProbe::between(load0, LoadProbe::sample());

  Json out = Json::object();
  out["benchmark"] = "drift";
  out["mode"] = opt.simulated ? "simulated" : "realtime";
  out["minutes"] = opt.minutes;
  out["quick"] = opt.quick;
  out["sampleRate"] = setup.sampleRate;
  out["periodFrames"] = setup.periodFrames;
  out["channels"] = 1;
  out["schedule"] = opt.simulated ? "one after another (simulated)" : sequential ? "variants one after another" : "all at once";
  out["wallSeconds"] = wall;
  // Real-time figures depend on what else ran: other processes' share of all CPUs, and the
  // hypervisor's steal, over the run (null where /proc is not there).
  Json machine = Json::object();
  machine["cpus"] = std::thread::hardware_concurrency();
  machine["otherProcessesCpu"] = load.valid() ? Json(load.others) : Json();
  machine["stealCpu"] = load.valid() ? Json(load.steal) : Json();
  out["machine"] = machine;
  out["definitions"] =
      "latency: marker position in the mix (sub-sample, pulse centroid) minus its production time on the master's "
      "timeline, ms; figures after lock for ringmix (all markers for the others); slope: least squares; driftMs: mean "
      "of the last markers minus mean of the first (a quarter of them, 1 to 10); lockTimeS: mix time when "
      "metrics first said locked (sampled every 100 ms); under/overruns, resyncs, xruns: over the whole run";
  Json variants = Json::object();
  bool measured = true;
  for (Variant v : opt.variants) {
    Json byPpm = Json::object();
    for (const auto& s : subjects) {
      if (s->variant() != v) continue;
      byPpm[ppmKey(s->ppm())] = figuresJson(*s);
      if (s->points().empty()) {
        measured = false;
        std::fprintf(stderr, "bench_drift: no markers found in the mix of %s %+g ppm\n", variantName(v), s->ppm());
      }
    }
    variants[variantName(v)] = byPpm;
  }
  out["variants"] = variants;
  std::vector<const Subject*> all;
  for (const auto& s : subjects) all.push_back(s.get());
  out["goals"] = goalsJson(all);
  std::fputs(out.dump().c_str(), stdout);
  if (!opt.simulated && !sequential) {
    std::uint64_t xruns = 0;
    for (const auto& s : subjects) xruns += s->isEngine() ? s->engineCounters().xruns : s->pipeStats().xruns;
    if (xruns > 0)
      std::fprintf(stderr,
                   "bench_drift: %llu xruns while every mixer ran at once; if the machine was otherwise idle, "
                   "compare with --sequential (the variants one after another)\n",
                   static_cast<unsigned long long>(xruns));
  }
  if (!opt.csv.empty()) writeCsv(opt.csv, subjects);

  if (!opt.plot.empty()) {
    char subtitle[200];
    std::snprintf(subtitle, sizeof subtitle, "%s, %.3g min of device time, 48 kHz, 256-frame periods, one impulse per second of the device's clock",
                  opt.simulated ? "simulated clock" : "real time", opt.minutes);
    writePlot(opt.plot, subjects, opt.ppms, subtitle);
  }
  return measured ? 0 : 1;
}
