// The `multivariate` detector of `replay`: the joint normal behaviour of one
// asset's sensors. The sensors of a machine move together (a closing valve
// changes flow, pressure and current at once, each within its own limits);
// a PCA model of their smoothed values, learned from a known-good period,
// scores every row of the asset (its readings of one timestamp) with
// Hotelling's T² (distance inside the model's plane) and Q, the squared
// prediction error (distance from the plane), each over its learned limit.
// Rows under the limit keep teaching the model, slowly (a time constant of
// 10 x the learning rows, every 4th row; the components are refitted every 200 rows), so an
// operating point that wanders over the day is followed while a break in
// how the sensors move together is not. The alert names the sensors that
// contribute most.
//
// Memory is constant per asset: at most k_max_sensors sensors, the learning
// rows (freed once the model is fitted) and a d x d model.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::sensors {

// A fitted model: what `--model-out` writes and `--model` reads
// (schemas/multivariate-model.schema.json).
struct MvModel {
  std::vector<std::string> sensors; // the columns, in order
  std::vector<double> mean, scale;  // standardisation of each column
  std::vector<double> covariance;   // d x d, of the raw columns: what the model adapts
  std::vector<double> eigenvalues;  // of the kept components, largest first
  std::vector<double> components;   // d x k, column-major: component c is [c*d, c*d+d)
  double t2_limit = 0, q_limit = 0;
  uint64_t rows = 0; // rows it was learned from
};

class StateWriter;
class StateReader;

// Why `m` cannot judge (sizes that do not match, limits, scales or
// eigenvalues not > 0, values not finite); nullptr when it can.
const char* model_problem(const MvModel& m);

class AssetModel {
public:
  // The learning rows, the smoothed row and the model, as a checkpoint holds
  // them (replay_state.cpp); load validates sizes and the model.
  void save(StateWriter& w) const;
  void load(StateReader& r);
  // The column of a sensor; -1 when it is not one (never adds a column).
  int find_column(std::string_view sensor) const;
  static constexpr size_t k_max_sensors = 32;
  static constexpr size_t k_max_learn = 20000; // rows kept to learn from (--learn): 5 MB at 32 sensors
  struct Result {
    bool judged = false;
    double score = 0, t2 = 0, q = 0; // score = max(t2 / t2_limit, q / q_limit)
    // Filled by explain(): up to 3 columns (sensors[i] of the model) and their share of the score.
    std::array<std::pair<size_t, double>, 3> top{};
    size_t n_top = 0;
  };
  // `learn` rows are collected, then the model is fitted (unless one was
  // given); 0: as many as the asset's sensors need (learn_rows()).
  explicit AssetModel(size_t learn) : m_learn(learn) {}
  // The rows learned before the model is fitted: `learn`, or when it is 0
  // 50 per sensor and at least 200.
  size_t learn_rows() const;
  void set_model(MvModel m);
  // The column of a sensor, added while the first row is open (and there is
  // room); -1 for a sensor that is not a column.
  int column(std::string_view sensor);
  // A reading of column c at ts. When ts moves past the asset's previous
  // timestamp, the row of that timestamp is judged: returns its result
  // (valid until the next call), else null. Inline: most readings only join
  // the open row.
  const Result* add(int64_t ts, size_t c, double v) {
    const Result* out = nullptr;
    if (ts != m_row_ts) {
      if (ts < m_row_ts) {
        return nullptr; // a late reading of another sensor: the row it belonged to is judged
      }
      out = next_row(ts);
    }
    const uint32_t bit = uint32_t(1) << c;
    m_smooth[c] = (m_seen & bit) != 0 ? m_smooth[c] + (v - m_smooth[c]) * (1 / k_smooth) : v;
    m_seen |= bit;
    m_row_has_values = true;
    return out;
  }
  // The row still open at the end of the stream.
  std::optional<Result> finish();
  const std::optional<MvModel>& model() const { return m_model; }
  bool fitted() const { return m_fitted; } // model() has a value (read per reading: in the first line)
  // The sensors that contribute most to r, the last row judged (only an alert needs them).
  void explain(Result& r) const;
  size_t columns() const { return m_sensors.size(); }
  // Asks the cache for what the next row touches: the object itself, then
  // (once that is in) the arrays it points to.
  void prefetch_self() const {
    const char* p = reinterpret_cast<const char*>(this);
    for (size_t off = 0; off < sizeof(*this); off += 64) {
      __builtin_prefetch(p + off);
    }
  }
  void prefetch_data() const;

private:
  static constexpr double k_smooth = 5; // each column is an EWMA over ~5 rows: one row of noise is not a fault
  const Result* next_row(int64_t ts);   // closes the open row (its result when judged), opens ts's
  bool close_row(); // true when the row was judged: its result in m_last
  void fit();
  void adapt(const std::vector<double>& x);
  void prepare(); // m_judge, after every (re)fit
  void judge(const double* x, Result& r); // in place; keeps the row's z for explain()
  // What every reading touches first, in one cache line with the asset's
  // last_row_ms (AssetState).
  int64_t m_row_ts = INT64_MIN;
  std::vector<double> m_smooth; // EWMA of each column
  uint32_t m_seen = 0;          // bit c: column c has a value (k_max_sensors bits)
  bool m_row_has_values = false;
  bool m_fitted = false; // m_model has a value
  size_t m_learn;
  std::vector<std::string> m_sensors;
  bool m_columns_fixed = false;
  std::vector<double> m_rows; // learning rows, row-major
  uint64_t m_learned = 0;
  uint64_t m_adapted = 0; // rows folded into the model since it was fitted
  uint32_t m_rows_since_adapt = 0;
  std::optional<MvModel> m_model;
  // What judge() reads, in one block (prepare(); adapt() keeps the mean):
  // the mean and 1 / scale (d each), 1 / eigenvalue (k: no division per
  // row), the components (k x d).
  std::vector<double> m_judge;
  std::array<double, k_max_sensors> m_z{}; // the last row judged, standardised, for explain()
  Result m_last;                           // what add() returned last
};

// JSON of a set of models keyed by asset (format "twinctl-mv-model/v1").
std::string models_to_json(const std::vector<std::pair<std::string, MvModel>>& models);
// Throws twinctl::Error naming `what` and the problem on anything malformed.
std::vector<std::pair<std::string, MvModel>> models_from_json(std::string_view text, const std::string& what);

} // namespace twinctl::sensors
