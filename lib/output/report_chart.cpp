// The SVG charts of the HTML audit report. Geometry only: the figures (the
// trend points, the axis maximum and step) come from the AuditReport.
#include "lib/output/audit_report_output.hpp"

#include <algorithm>
#include <cstdio>

namespace twinctl::output {

namespace {

constexpr double k_width = 860;
constexpr double k_height = 280;
constexpr double k_left = 52;
constexpr double k_right = k_width - 16;
constexpr double k_top = 14;
constexpr double k_bottom = k_height - 44;

// Stacking order, bottom up: the most severe sits on the axis.
constexpr model::Severity k_stack[] = {model::Severity::critical, model::Severity::high, model::Severity::medium,
                                       model::Severity::low, model::Severity::info};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

struct Frame {
  size_t n = 0;
  double axis_max = 1;

  double x(size_t i) const {
    if (n <= 1) {
      return (k_left + k_right) / 2;
    }
    return k_left + double(i) * (k_right - k_left) / double(n - 1);
  }
  double y(double v) const { return k_bottom - v * (k_bottom - k_top) / axis_max; }
};

std::vector<std::string> dates_of(const report::AuditReport &r) {
  std::vector<std::string> dates;
  for (const report::TrendPoint &p : r.trend) {
    dates.push_back(p.date);
  }
  return dates;
}

// Horizontal grid lines with their values, and the date (YYYY-MM-DD) of every k-th run.
std::string axes(const std::vector<std::string> &dates, const Frame &f, int64_t lo, int64_t hi, int64_t step,
                 const std::string &y_title) {
  std::string s = "<g class=\"grid\" aria-hidden=\"true\">";
  for (int64_t v = lo; v <= hi; v += step) {
    double y = f.y(double(v));
    s += "<line x1=\"" + num(k_left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(k_right) + "\" y2=\"" + num(y) + "\"" +
         (v == 0 ? " class=\"zero\"" : "") + "/>";
    s += "<text x=\"" + num(k_left - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" + std::to_string(v) +
         "</text>";
  }
  size_t every = std::max<size_t>(1, (dates.size() + 9) / 10);
  for (size_t i = 0; i < dates.size(); ++i) {
    if (i % every != 0 && i + 1 != dates.size()) {
      continue;
    }
    if (i + 1 == dates.size() && i % every != 0 && (i % every) * 2 < every) {
      continue; // too close to the previous label
    }
    s += "<text x=\"" + num(f.x(i)) + "\" y=\"" + num(k_bottom + 16) + "\" text-anchor=\"middle\">" +
         html_escape(dates[i].size() >= 10 ? dates[i].substr(5) : dates[i]) + "</text>";
  }
  s += "<text class=\"axis-title\" x=\"" + num((k_left + k_right) / 2) + "\" y=\"" + num(k_height - 6) +
       "\" text-anchor=\"middle\">Run date (month-day, UTC)</text>";
  s += "<text class=\"axis-title\" transform=\"translate(14 " + num((k_top + k_bottom) / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">" + html_escape(y_title) + "</text>";
  s += "</g>";
  return s;
}

std::string point_title(const report::TrendPoint &p) {
  std::string t = "Run " + std::to_string(p.run) + ", " + p.date + ": " + std::to_string(p.total) + " open";
  std::string parts;
  for (model::Severity sev : k_stack) {
    int64_t n = p.open[size_t(sev)];
    if (n > 0) {
      parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + model::to_string(sev);
    }
  }
  if (!parts.empty()) {
    t += " (" + parts + ")";
  }
  if (p.incomplete) {
    t += "; incomplete run: a live source failed";
  }
  return html_escape(t);
}

std::string svg_open(const std::string &id, const std::string &title, const std::string &desc) {
  return "<svg class=\"chart\" id=\"" + id + "\" viewBox=\"0 0 " + num(k_width) + " " + num(k_height) +
         "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id +
         "-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
         "<title id=\"" +
         id + "-title\">" + html_escape(title) + "</title><desc id=\"" + id + "-desc\">" + html_escape(desc) +
         "</desc>";
}

} // namespace

std::string trend_chart_svg(const report::AuditReport &r) {
  if (r.trend.empty()) {
    return "";
  }
  Frame f{r.trend.size(), double(std::max<int64_t>(1, r.trend_axis_max))};
  const report::TrendPoint &last = r.trend.back();
  std::string s = svg_open(
      "trend", "Open findings by severity over the last " + std::to_string(r.trend.size()) + " runs",
      "Stacked areas, critical at the bottom. From " + std::to_string(r.trend.front().total) + " open findings on " +
          r.trend.front().date + " to " + std::to_string(last.total) + " on " + last.date + ".");
  s += axes(dates_of(r), f, 0, r.trend_axis_max, r.trend_axis_step, "Open findings");

  // One band per severity between the running sums below and above it; a single
  // run is drawn as a flat band across the plot.
  std::vector<int64_t> below(r.trend.size(), 0);
  for (model::Severity sev : k_stack) {
    std::vector<int64_t> above = below;
    bool any = false;
    for (size_t i = 0; i < r.trend.size(); ++i) {
      above[i] += r.trend[i].open[size_t(sev)];
      any = any || r.trend[i].open[size_t(sev)] > 0;
    }
    if (any) {
      std::string d;
      auto xs = [&](size_t i, bool end) { return r.trend.size() == 1 ? (end ? k_right : k_left) : f.x(i); };
      for (size_t i = 0; i < r.trend.size(); ++i) {
        d += (i == 0 ? "M" : " L") + num(xs(i, false)) + "," + num(f.y(double(above[i])));
        if (r.trend.size() == 1) {
          d += " L" + num(xs(i, true)) + "," + num(f.y(double(above[i])));
        }
      }
      for (size_t k = r.trend.size(); k-- > 0;) {
        if (r.trend.size() == 1) {
          d += " L" + num(xs(k, true)) + "," + num(f.y(double(below[k])));
        }
        d += " L" + num(xs(k, false)) + "," + num(f.y(double(below[k])));
      }
      s += "<path class=\"area sev-" + std::string(model::to_string(sev)) + "\" d=\"" + d + " Z\"><title>" +
           model::to_string(sev) + " findings</title></path>";
    }
    below = above;
  }

  // The total as a line with a marker per run (hollow for incomplete runs).
  std::string line;
  for (size_t i = 0; i < r.trend.size(); ++i) {
    line += (i == 0 ? "" : " ") + num(f.x(i)) + "," + num(f.y(double(r.trend[i].total)));
  }
  s += "<polyline class=\"total\" points=\"" + line + "\"/><g class=\"points\">";
  for (size_t i = 0; i < r.trend.size(); ++i) {
    const report::TrendPoint &p = r.trend[i];
    s += "<circle class=\"pt" + std::string(p.incomplete ? " incomplete" : "") + "\" cx=\"" + num(f.x(i)) + "\" cy=\"" +
         num(f.y(double(p.total))) + "\" r=\"" + (p.incomplete ? "4.5" : "3.5") + "\" data-run=\"" +
         std::to_string(p.run) + "\" data-total=\"" + std::to_string(p.total) + "\"><title>" + point_title(p) +
         "</title></circle>";
  }
  s += "</g></svg>";
  return s;
}

std::string churn_chart_svg(const report::AuditReport &r) {
  if (r.trend.empty()) {
    return "";
  }
  const int64_t axis_max = r.churn_axis_max;
  const int64_t step = r.churn_axis_step;
  // Symmetric axis: new findings above zero, resolved below.
  Frame f{r.trend.size(), double(2 * axis_max)};
  auto y = [&](double v) { return f.y(v + double(axis_max)); };
  std::string s = svg_open("churn", "New and resolved findings per run",
                           "Bars above the zero line: findings new or reopened in the run; below: findings the run "
                           "resolved.");
  s += "<g class=\"grid\" aria-hidden=\"true\">";
  for (int64_t v = -axis_max; v <= axis_max; v += step) {
    s += "<line x1=\"" + num(k_left) + "\" y1=\"" + num(y(double(v))) + "\" x2=\"" + num(k_right) + "\" y2=\"" +
         num(y(double(v))) + "\"" + (v == 0 ? " class=\"zero\"" : "") + "/>";
    s += "<text x=\"" + num(k_left - 6) + "\" y=\"" + num(y(double(v)) + 4) + "\" text-anchor=\"end\">" +
         (v > 0 ? "+" : "") + std::to_string(v) + "</text>";
  }
  s += "</g>";
  // Reuse the x labels of the trend (same runs), without its y grid.
  std::string x_axis = axes(dates_of(r), f, 1, 0, 1, "New (+) / resolved (−)");
  s += x_axis;
  double slot = r.trend.size() <= 1 ? 40 : (k_right - k_left) / double(r.trend.size() - 1);
  double w = std::clamp(slot * 0.6, 2.0, 28.0);
  s += "<g class=\"bars\">";
  for (size_t i = 0; i < r.trend.size(); ++i) {
    const report::TrendPoint &p = r.trend[i];
    double x = f.x(i) - w / 2;
    std::string when = "Run " + std::to_string(p.run) + ", " + p.date + ": ";
    if (p.first_run) {
      continue; // everything is new at the first run: a bar would flatten the others
    }
    if (p.new_count > 0) {
      s += "<rect class=\"new\" x=\"" + num(x) + "\" y=\"" + num(y(double(p.new_count))) + "\" width=\"" + num(w) +
           "\" height=\"" + num(y(0) - y(double(p.new_count))) + "\" data-run=\"" + std::to_string(p.run) +
           "\"><title>" + html_escape(when + std::to_string(p.new_count) + " new or reopened") + "</title></rect>";
    }
    if (p.resolved_count > 0) {
      s += "<rect class=\"resolved\" x=\"" + num(x) + "\" y=\"" + num(y(0)) + "\" width=\"" + num(w) + "\" height=\"" +
           num(y(-double(p.resolved_count)) - y(0)) + "\" data-run=\"" + std::to_string(p.run) + "\"><title>" +
           html_escape(when + std::to_string(p.resolved_count) + " resolved") + "</title></rect>";
    }
  }
  s += "</g></svg>";
  return s;
}

std::string health_chart_svg(const report::HealthSection &h) {
  if (h.trend.empty()) {
    return "";
  }
  Frame f{h.trend.size(), 100};
  std::vector<std::string> dates;
  for (const report::HealthTrendPoint &p : h.trend) {
    dates.push_back(p.date);
  }
  const report::HealthTrendPoint &last = h.trend.back();
  std::string s = svg_open("health-trend", "Site health score over the last " + std::to_string(h.trend.size()) + " runs",
                           "From " + num(h.trend.front().site) + " on " + h.trend.front().date + " to " +
                               num(last.site) + " on " + last.date + "; the dashed line is the warning score " +
                               num(h.inputs.warn_below) + ".");
  s += axes(dates, f, 0, 100, 20, "Health score");
  const double warn = f.y(h.inputs.warn_below);
  s += "<line class=\"warn\" x1=\"" + num(k_left) + "\" y1=\"" + num(warn) + "\" x2=\"" + num(k_right) + "\" y2=\"" +
       num(warn) + "\"/>";
  std::string site, worst;
  for (size_t i = 0; i < h.trend.size(); ++i) {
    site += (i == 0 ? "" : " ") + num(f.x(i)) + "," + num(f.y(h.trend[i].site));
    worst += (i == 0 ? "" : " ") + num(f.x(i)) + "," + num(f.y(h.trend[i].worst_line_score));
  }
  if (!last.worst_line.empty()) {
    s += "<polyline class=\"worst\" points=\"" + worst + "\"/>";
  }
  s += "<polyline class=\"total\" points=\"" + site + "\"/><g class=\"points\">";
  for (size_t i = 0; i < h.trend.size(); ++i) {
    const report::HealthTrendPoint &p = h.trend[i];
    std::string t = "Run " + std::to_string(p.run) + ", " + p.date + ": site " + num(p.site) + ", " +
                    std::to_string(p.warnings) + " under " + num(h.inputs.warn_below) + ", " +
                    std::to_string(p.at_risk) + " at risk";
    if (!p.worst_line.empty()) {
      t += "; lowest line " + p.worst_line + " " + num(p.worst_line_score);
    }
    s += "<circle class=\"pt\" cx=\"" + num(f.x(i)) + "\" cy=\"" + num(f.y(p.site)) + "\" r=\"3.5\"><title>" +
         html_escape(t) + "</title></circle>";
  }
  s += "</g></svg>";
  return s;
}

} // namespace twinctl::output
