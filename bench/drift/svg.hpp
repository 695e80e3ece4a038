// The --plot output: latency against time, one panel per variant (stacked, sharing the time axis),
// one line per clock offset (the same colour in every panel), with tick labels, units, a legend
// and a title. Plain SVG text, no library: the bench must build anywhere the engine does.
//
// Each panel has its own latency scale, because the variants differ by orders of magnitude (the
// compensated line is flat to microseconds, the uncompensated ones move by tens of ms a minute).
// A series may say from when its points set the scale (after lock): the start-up transient of a
// compensated input would otherwise flatten the part that matters. Earlier points are still
// drawn, clipped to the panel.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "drift/markers.hpp"

namespace ringmix::bench::drift {

struct PlotSeries {
  std::string label;
  std::string colour;
  std::vector<LatencyPoint> points;
  double scaleFromS = 0.0;  // only points from this time on set the panel's latency range
};

struct PlotPanel {
  std::string title;
  std::vector<PlotSeries> series;
};

namespace svg_detail {

// Tick positions at 1, 2 or 5 times a power of ten, about `target` of them across [lo, hi].
inline std::vector<double> niceTicks(double lo, double hi, int target) {
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

// Enough decimals to tell neighbouring ticks apart.
inline std::string tickLabel(double v, double step) {
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

inline std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace svg_detail

// Writes the plot; returns false when the file cannot be written.
inline bool writePlot(const std::string& path, const std::string& title, const std::string& subtitle,
                      const std::vector<PlotPanel>& panels) {
  using namespace svg_detail;
  constexpr double kWidth = 1000, kLeft = 90, kRight = 170, kTop = 80, kPanelH = 240, kGap = 70;
  const double plotW = kWidth - kLeft - kRight;
  const double height = kTop + panels.size() * (kPanelH + kGap) + 10;

  // The shared time axis: seconds for short runs, minutes beyond two.
  double tMax = 0;
  for (const auto& p : panels)
    for (const auto& s : p.series)
      for (const auto& pt : s.points) tMax = std::max(tMax, pt.timeS);
  const bool minutes = tMax > 120;
  const double tUnit = minutes ? 60.0 : 1.0;
  const double xMax = std::max(tMax / tUnit, 1e-3);
  // The axis ends on the first tick at or past the last point.
  const auto roughTicks = niceTicks(0, xMax, 10);
  const double xStep = roughTicks.size() > 1 ? roughTicks[1] - roughTicks[0] : xMax;
  const double xHi = std::ceil(xMax / xStep - 1e-9) * xStep;
  const auto xTicks = niceTicks(0, xHi, 10);

  std::string o;
  char buf[1024];
  auto add = [&](const char* fmt, auto... args) {
    std::snprintf(buf, sizeof buf, fmt, args...);
    o += buf;
  };
  add("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      kWidth, height, kWidth, height);
  o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  add("<text x=\"%.0f\" y=\"28\" font-size=\"18\" font-weight=\"bold\" text-anchor=\"middle\">%s</text>\n",
      kWidth / 2, escape(title).c_str());
  add("<text x=\"%.0f\" y=\"50\" font-size=\"12\" fill=\"#555\" text-anchor=\"middle\">%s</text>\n", kWidth / 2,
      escape(subtitle).c_str());

  for (std::size_t pi = 0; pi < panels.size(); ++pi) {
    const PlotPanel& panel = panels[pi];
    const double top = kTop + pi * (kPanelH + kGap);
    // Latency range from the points that set the scale (all of them if none qualify).
    double lo = INFINITY, hi = -INFINITY;
    for (int pass = 0; pass < 2 && !(lo <= hi); ++pass)
      for (const auto& s : panel.series)
        for (const auto& pt : s.points)
          if (pass == 1 || pt.timeS >= s.scaleFromS) lo = std::min(lo, pt.latencyMs), hi = std::max(hi, pt.latencyMs);
    if (!(lo <= hi)) lo = 0, hi = 1;
    const double span = std::max(hi - lo, 0.01);
    const double mid = (lo + hi) / 2;
    lo = mid - span * 0.55, hi = mid + span * 0.55;
    const auto yTicks = niceTicks(lo, hi, 6);
    const double yStep = yTicks.size() > 1 ? yTicks[1] - yTicks[0] : span;
    auto X = [&](double tS) { return kLeft + tS / tUnit / xHi * plotW; };
    auto Y = [&](double ms) { return top + kPanelH - (ms - lo) / (hi - lo) * kPanelH; };

    add("<text x=\"%.0f\" y=\"%.0f\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", kLeft, top - 10,
        escape(panel.title).c_str());
    add("<clipPath id=\"clip%zu\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n", pi,
        kLeft, top, plotW, kPanelH);
    add("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n", kLeft, top,
        plotW, kPanelH);
    for (double v : yTicks) {
      add("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", kLeft, kLeft + plotW, Y(v), Y(v));
      add("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", kLeft - 6, Y(v) + 4,
          tickLabel(v, yStep).c_str());
    }
    for (double v : xTicks) {
      const double x = kLeft + v / xHi * plotW;
      add("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x, x, top, top + kPanelH);
      add("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, top + kPanelH + 16,
          tickLabel(v, xStep).c_str());
    }
    add("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">time (%s)</text>\n", kLeft + plotW / 2,
        top + kPanelH + 34, minutes ? "minutes" : "seconds");
    add("<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\">latency (ms)</text>\n",
        kLeft - 62, top + kPanelH / 2);

    add("<g clip-path=\"url(#clip%zu)\" fill=\"none\" stroke-width=\"1.5\">\n", pi);
    for (const auto& s : panel.series) {
      if (s.points.empty()) continue;
      add("<polyline stroke=\"%s\" points=\"", s.colour.c_str());
      for (const auto& pt : s.points) add("%.1f,%.1f ", X(pt.timeS), Y(pt.latencyMs));
      o += "\"/>\n";
    }
    o += "</g>\n";

    // Legend, right of the panel.
    for (std::size_t si = 0; si < panel.series.size(); ++si) {
      const double y = top + 14 + si * 20.0;
      add("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
          kLeft + plotW + 14, kLeft + plotW + 40, y, y, panel.series[si].colour.c_str());
      add("<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", kLeft + plotW + 46, y + 4,
          escape(panel.series[si].label).c_str());
    }
  }
  o += "</svg>\n";

  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  const bool ok = std::fwrite(o.data(), 1, o.size(), f) == o.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace ringmix::bench::drift
