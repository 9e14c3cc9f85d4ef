// The catalogue of `replay`'s detector settings: detector names and their
// numeric parameters with lower bounds. One table for the twin loader
// (kind: DetectorPolicy) and lib/sensors (`--set`), so both accept the same
// names and values.
#pragma once

#include <array>
#include <string_view>

namespace twinctl::model {

// In the order of lib/sensors' Detector enum.
inline constexpr std::array<std::string_view, 10> k_detector_names = {
    "threshold", "range", "zscore", "ewma", "rate", "stuck", "gap", "quality", "anomaly", "multivariate"};

struct DetectorParamInfo {
  std::string_view detector; // "" for cooldown, which every detector shares
  std::string_view param;    // "window", "min-count", ...
  std::string_view name;     // as `--set` writes it: "zscore.window", "cooldown"
  double min;                // the smallest allowed value
};

inline constexpr std::array<DetectorParamInfo, 18> k_detector_params = {{
    {"", "cooldown", "cooldown", 0},
    {"zscore", "window", "zscore.window", 1},
    {"zscore", "limit", "zscore.limit", 0.1},
    {"zscore", "min-count", "zscore.min-count", 2},
    {"ewma", "tau", "ewma.tau", 0.001},
    {"ewma", "limit", "ewma.limit", 0.01},
    {"rate", "max", "rate.max", 0},
    {"stuck", "after", "stuck.after", 0},
    {"stuck", "min-count", "stuck.min-count", 2},
    {"gap", "factor", "gap.factor", 1},
    {"gap", "min", "gap.min", 0},
    {"anomaly", "limit", "anomaly.limit", 0.01},
    {"anomaly", "for", "anomaly.for", 0},
    {"anomaly", "keep", "anomaly.keep", 0},
    {"multivariate", "limit", "multivariate.limit", 0.01},
    {"multivariate", "learn", "multivariate.learn", 0},
    {"multivariate", "for", "multivariate.for", 0},
    {"multivariate", "keep", "multivariate.keep", 0},
}};

} // namespace twinctl::model
