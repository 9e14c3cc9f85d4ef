#include "lib/sensors/multivariate.hpp"

#include "lib/util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace twinctl::sensors {

namespace {

// Why these constants (bench/RESULTS.md, "Detection on real data"):
constexpr double k_variance = 0.9;  // components kept: 90 % of the learned variance; the rest is Q
constexpr double k_quantile = 0.99; // limits = 6 x the 99th percentile of the learned rows' T2 and Q
constexpr double k_margin = 6;
constexpr double k_adapt = 10;      // rows judged normal teach the model with a time constant of 10 x learn
constexpr uint64_t k_refit = 50;    // adaptations (of every 4th row) between two refits of the components
constexpr uint32_t k_adapt_every = 4;
// Learning rows when multivariate.learn is 0 (the default): 50 per sensor,
// at least 200 - enough rows for the d x d covariance of d sensors and for
// its 99th-percentile limits; 400 for an asset of 8 sensors, 150 s at 1 s
// sampling for 3 sensors, 33 h at 5 minutes for 8.
constexpr size_t k_learn_per_sensor = 50;
constexpr size_t k_learn_min = 200;

// Eigen-decomposition of the symmetric d x d matrix a (row-major) by cyclic
// Jacobi rotations: eigenvalues on return in a's diagonal, vectors in v's columns.
void jacobi(std::vector<double>& a, std::vector<double>& v, size_t d) {
  v.assign(d * d, 0);
  for (size_t i = 0; i < d; ++i) {
    v[i * d + i] = 1;
  }
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0, diag = 0;
    for (size_t i = 0; i < d; ++i) {
      for (size_t j = 0; j < d; ++j) {
        (i == j ? diag : off) += a[i * d + j] * a[i * d + j];
      }
    }
    if (off <= 1e-22 * std::max(diag, 1e-300)) {
      return;
    }
    for (size_t p = 0; p < d; ++p) {
      for (size_t q = p + 1; q < d; ++q) {
        const double apq = a[p * d + q];
        if (std::fabs(apq) < 1e-300) {
          continue;
        }
        const double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < d; ++k) { // columns p, q
          const double kp = a[k * d + p], kq = a[k * d + q];
          a[k * d + p] = c * kp - s * kq;
          a[k * d + q] = s * kp + c * kq;
        }
        for (size_t k = 0; k < d; ++k) { // rows p, q
          const double pk = a[p * d + k], qk = a[q * d + k];
          a[p * d + k] = c * pk - s * qk;
          a[q * d + k] = s * pk + c * qk;
        }
        for (size_t k = 0; k < d; ++k) {
          const double kp = v[k * d + p], kq = v[k * d + q];
          v[k * d + p] = c * kp - s * kq;
          v[k * d + q] = s * kp + c * kq;
        }
      }
    }
  }
}

double quantile(std::vector<double> x, double q) {
  const size_t i = std::min(x.size() - 1, static_cast<size_t>(q * double(x.size())));
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(i), x.end());
  return x[i];
}

} // namespace

void AssetModel::set_model(MvModel m) {
  m_sensors = m.sensors;
  m_smooth.assign(m_sensors.size(), 0);
  m_seen = 0;
  m_columns_fixed = true;
  m_rows.clear();
  m_model = std::move(m);
  m_fitted = true;
  prepare();
}

void AssetModel::prepare() {
  const MvModel& m = *m_model;
  m_judge.assign(m.mean.begin(), m.mean.end());
  for (double x : m.scale) {
    m_judge.push_back(1 / x);
  }
  for (double x : m.eigenvalues) {
    m_judge.push_back(1 / x);
  }
  m_judge.insert(m_judge.end(), m.components.begin(), m.components.end());
}

const char* model_problem(const MvModel& m) {
  const size_t d = m.sensors.size(), k = m.eigenvalues.size();
  if (d < 2 || d > AssetModel::k_max_sensors || m.mean.size() != d || m.scale.size() != d ||
      m.covariance.size() != d * d || k < 1 || k >= d || m.components.size() != k * d) {
    return "the sizes of sensors, mean, scale, covariance, eigenvalues and components do not match";
  }
  const auto positive = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return x > 0 && std::isfinite(x); });
  };
  const auto finite = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
  };
  if (!(m.t2_limit > 0) || !(m.q_limit > 0) || !positive(m.scale) || !positive(m.eigenvalues)) {
    return "limits, scales and eigenvalues must be > 0";
  }
  if (!finite(m.mean) || !finite(m.covariance) || !finite(m.components)) {
    return "a value that is not a finite number";
  }
  return nullptr;
}

int AssetModel::find_column(std::string_view sensor) const {
  auto it = std::find(m_sensors.begin(), m_sensors.end(), sensor);
  return it == m_sensors.end() ? -1 : static_cast<int>(it - m_sensors.begin());
}

int AssetModel::column(std::string_view sensor) {
  auto it = std::find(m_sensors.begin(), m_sensors.end(), sensor);
  if (it != m_sensors.end()) {
    return static_cast<int>(it - m_sensors.begin());
  }
  if (m_columns_fixed || m_sensors.size() >= k_max_sensors) {
    return -1; // the columns are those of the first row (or of the model)
  }
  m_sensors.emplace_back(sensor);
  m_smooth.push_back(0);
  return static_cast<int>(m_sensors.size() - 1);
}

void AssetModel::prefetch_data() const {
  __builtin_prefetch(m_smooth.data());
  if (m_model) {
    const char* c = reinterpret_cast<const char*>(m_judge.data());
    for (size_t off = 0; off < m_judge.size() * sizeof(double); off += 64) {
      __builtin_prefetch(c + off);
    }
  }
}

const AssetModel::Result* AssetModel::next_row(int64_t ts) {
  const bool judged = m_row_has_values && close_row();
  m_row_ts = ts;
  m_row_has_values = false;
  return judged ? &m_last : nullptr;
}

size_t AssetModel::learn_rows() const {
  return m_learn > 0 ? m_learn : std::clamp(k_learn_per_sensor * m_sensors.size(), k_learn_min, k_max_learn);
}

std::optional<AssetModel::Result> AssetModel::finish() {
  std::optional<Result> out;
  if (m_row_has_values) {
    if (close_row()) {
      out = m_last;
    }
    m_row_has_values = false;
  }
  if (!m_model && m_learned >= 20) {
    fit(); // a stream shorter than the learning period: its model, for --model-out and --learn
  }
  return out;
}

bool AssetModel::close_row() {
  m_columns_fixed = true;
  const size_t d = m_sensors.size();
  if (d < 2 || m_seen != (d >= 32 ? ~uint32_t(0) : (uint32_t(1) << d) - 1)) {
    return false; // a column without a value yet
  }
  if (!m_model) {
    m_rows.insert(m_rows.end(), m_smooth.begin(), m_smooth.end());
    if (++m_learned >= learn_rows()) {
      fit();
    }
    return false;
  }
  Result& r = m_last;
  judge(m_smooth.data(), r);
  // Every 4th row teaches the model (4 x the rate): consecutive smoothed rows
  // are nearly the same, and it is the costliest step per row.
  if (r.score < 1 && ++m_rows_since_adapt >= k_adapt_every) {
    m_rows_since_adapt = 0;
    adapt(m_smooth);
  }
  return true;
}

namespace {

// Scales, components and eigenvalues of m from its mean and raw covariance:
// PCA of the correlation matrix, keeping 90 % of the variance (and at least
// one direction out of the plane, for Q).
void components_of(MvModel& m) {
  const size_t d = m.sensors.size();
  m.scale.assign(d, 0);
  for (size_t c = 0; c < d; ++c) {
    // A column constant while learning: any change is a change in the joint behaviour.
    m.scale[c] = std::max(std::sqrt(std::max(m.covariance[c * d + c], 0.0)), 1e-9 * std::max(1.0, std::fabs(m.mean[c])));
  }
  std::vector<double> corr(d * d), vec;
  for (size_t i = 0; i < d; ++i) {
    for (size_t j = 0; j < d; ++j) {
      corr[i * d + j] = m.covariance[i * d + j] / (m.scale[i] * m.scale[j]);
    }
  }
  jacobi(corr, vec, d);
  std::vector<size_t> order(d);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return corr[a * d + a] > corr[b * d + b]; });
  double total = 0;
  for (size_t i = 0; i < d; ++i) {
    total += std::max(corr[i * d + i], 0.0);
  }
  m.eigenvalues.clear();
  m.components.clear();
  double acc = 0;
  for (size_t i : order) {
    if (m.eigenvalues.size() + 1 >= d || (total > 0 && acc >= k_variance * total)) {
      break;
    }
    const double lambda = std::max(corr[i * d + i], 1e-12);
    acc += lambda;
    m.eigenvalues.push_back(lambda);
    for (size_t k = 0; k < d; ++k) {
      m.components.push_back(vec[k * d + i]);
    }
  }
}

} // namespace

void AssetModel::fit() {
  const size_t d = m_sensors.size(), n = m_rows.size() / d;
  MvModel m;
  m.sensors = m_sensors;
  m.rows = n;
  m.mean.assign(d, 0);
  m.covariance.assign(d * d, 0);
  for (size_t r = 0; r < n; ++r) {
    for (size_t c = 0; c < d; ++c) {
      m.mean[c] += m_rows[r * d + c] / double(n);
    }
  }
  for (size_t r = 0; r < n; ++r) {
    for (size_t i = 0; i < d; ++i) {
      for (size_t j = 0; j < d; ++j) {
        m.covariance[i * d + j] +=
            (m_rows[r * d + i] - m.mean[i]) * (m_rows[r * d + j] - m.mean[j]) / double(n - 1);
      }
    }
  }
  components_of(m);
  m_model = std::move(m);
  m_fitted = true;
  prepare();
  m_model->t2_limit = m_model->q_limit = 1;
  std::vector<double> t2s, qs;
  for (size_t r = 0; r < n; ++r) {
    Result res;
    judge(m_rows.data() + r * d, res);
    t2s.push_back(res.t2);
    qs.push_back(res.q);
  }
  m_model->t2_limit = std::max(k_margin * quantile(t2s, k_quantile), 1e-9);
  m_model->q_limit = std::max(k_margin * quantile(qs, k_quantile), 1e-9);
  std::vector<double>().swap(m_rows);
}

// A row judged normal moves the mean and covariance a little; the components
// follow every k_refit rows. The limits stay those learned.
void AssetModel::adapt(const std::vector<double>& x) {
  MvModel& m = *m_model;
  const size_t d = m.sensors.size();
  const double a = double(k_adapt_every) / (k_adapt * double(learn_rows()));
  for (size_t c = 0; c < d; ++c) {
    m.mean[c] += a * (x[c] - m.mean[c]);
    m_judge[c] = m.mean[c];
  }
  for (size_t i = 0; i < d; ++i) {
    const double ei = x[i] - m.mean[i];
    for (size_t j = i; j < d; ++j) { // symmetric: the upper triangle, mirrored
      double& c = m.covariance[i * d + j];
      c += a * (ei * (x[j] - m.mean[j]) - c);
      m.covariance[j * d + i] = c;
    }
  }
  if (++m_adapted % k_refit == 0) {
    components_of(m);
    prepare();
  }
}

void AssetModel::judge(const double* x, Result& r) {
  const MvModel& m = *m_model;
  const size_t d = m.sensors.size(), k = m.eigenvalues.size();
  const double *mean = m_judge.data(), *inv_scale = mean + d, *inv_eigen = inv_scale + d, *components = inv_eigen + k;
  double zz = 0, tt = 0, t2 = 0;
  for (size_t c = 0; c < d; ++c) {
    const double z = (x[c] - mean[c]) * inv_scale[c];
    m_z[c] = z;
    zz += z * z;
  }
  for (size_t i = 0; i < k; ++i) {
    const double* p = &components[i * d];
    double ti = 0;
    for (size_t c = 0; c < d; ++c) {
      ti += p[c] * m_z[c];
    }
    tt += ti * ti;
    t2 += ti * ti * inv_eigen[i];
  }
  r.judged = true;
  r.t2 = t2;
  // The components are orthonormal: the squared distance from their plane is
  // |z|^2 - |t|^2, without reconstructing z (that only for an alert, explain()).
  r.q = std::max(zz - tt, 0.0);
  r.score = std::max(r.t2 / m.t2_limit, r.q / m.q_limit);
  r.n_top = 0; // explain() fills top
}

void AssetModel::explain(Result& r) const {
  const MvModel& m = *m_model;
  const size_t d = m.sensors.size(), k = m.eigenvalues.size();
  const bool by_t2 = r.q / m.q_limit < r.t2 / m.t2_limit;
  double t[k_max_sensors]; // the projection, with the components of now (adapt() may have refitted them)
  for (size_t i = 0; i < k; ++i) {
    t[i] = 0;
    for (size_t c = 0; c < d; ++c) {
      t[i] += m.components[i * d + c] * m_z[c];
    }
  }
  std::pair<size_t, double> contrib[k_max_sensors]; // column, share
  double sum = 0;
  for (size_t c = 0; c < d; ++c) {
    // Q: the column's squared residual; T2: its term z_c (V L^-1 t)_c, negative ones ignored.
    double rec = 0, w = 0;
    for (size_t i = 0; i < k; ++i) {
      rec += m.components[i * d + c] * t[i];
      w += m.components[i * d + c] * t[i] * m_judge[2 * d + i];
    }
    const double v = by_t2 ? std::max(m_z[c] * w, 0.0) : (m_z[c] - rec) * (m_z[c] - rec);
    contrib[c] = {c, v};
    sum += v;
  }
  const size_t n = std::min<size_t>(r.top.size(), d);
  std::partial_sort(contrib, contrib + n, contrib + d, [](const auto& a, const auto& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  });
  r.n_top = 0;
  for (size_t i = 0; i < n && sum > 0; ++i) {
    r.top[r.n_top++] = {contrib[i].first, contrib[i].second / sum};
  }
}

std::string models_to_json(const std::vector<std::pair<std::string, MvModel>>& models) {
  nlohmann::ordered_json doc;
  doc["format"] = "twinctl-mv-model/v1";
  doc["assets"] = nlohmann::ordered_json::array();
  for (const auto& [asset, m] : models) {
    const size_t d = m.sensors.size();
    nlohmann::ordered_json comps = nlohmann::ordered_json::array();
    for (size_t i = 0; i < m.eigenvalues.size(); ++i) {
      comps.push_back(std::vector<double>(m.components.begin() + std::ptrdiff_t(i * d),
                                          m.components.begin() + std::ptrdiff_t(i * d + d)));
    }
    doc["assets"].push_back({{"asset", asset},
                             {"sensors", m.sensors},
                             {"rows", m.rows},
                             {"mean", m.mean},
                             {"scale", m.scale},
                             {"covariance", m.covariance},
                             {"eigenvalues", m.eigenvalues},
                             {"components", comps},
                             {"t2_limit", m.t2_limit},
                             {"q_limit", m.q_limit}});
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::vector<std::pair<std::string, MvModel>> models_from_json(std::string_view text, const std::string& what) {
  std::vector<std::pair<std::string, MvModel>> out;
  auto fail = [&](const std::string& why) { throw Error(what + ": " + why + " (expected a twinctl-mv-model/v1 document)"); };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object() || doc.value("format", "") != "twinctl-mv-model/v1" || !doc.contains("assets") ||
      !doc["assets"].is_array()) {
    fail("no \"format\": \"twinctl-mv-model/v1\" with \"assets\"");
  }
  auto numbers = [&](const nlohmann::json& a, size_t n, const std::string& key) {
    std::vector<double> v;
    if (!a.is_array() || a.size() != n) {
      fail("\"" + key + "\" must be an array of " + std::to_string(n) + " numbers");
    }
    for (const auto& x : a) {
      if (!x.is_number() || !std::isfinite(x.get<double>())) {
        fail("\"" + key + "\" holds something that is not a finite number");
      }
      v.push_back(x.get<double>());
    }
    return v;
  };
  try {
  for (const auto& a : doc["assets"]) {
    if (!a.is_object() || !a.contains("asset") || !a["asset"].is_string() || !a.contains("sensors") ||
        !a["sensors"].is_array()) {
      fail("an asset without \"asset\" or \"sensors\"");
    }
    MvModel m;
    for (const auto& s : a["sensors"]) {
      if (!s.is_string()) {
        fail("\"sensors\" must be strings");
      }
      m.sensors.push_back(s.get<std::string>());
    }
    const size_t d = m.sensors.size();
    if (d < 2 || d > AssetModel::k_max_sensors) {
      fail("an asset model has 2 to " + std::to_string(AssetModel::k_max_sensors) + " sensors");
    }
    m.mean = numbers(a.value("mean", nlohmann::json()), d, "mean");
    m.scale = numbers(a.value("scale", nlohmann::json()), d, "scale");
    m.covariance = numbers(a.value("covariance", nlohmann::json()), d * d, "covariance");
    const nlohmann::json& ev = a.value("eigenvalues", nlohmann::json());
    if (!ev.is_array() || ev.empty() || ev.size() >= d) {
      fail("\"eigenvalues\" must hold 1 to " + std::to_string(d - 1) + " numbers");
    }
    m.eigenvalues = numbers(ev, ev.size(), "eigenvalues");
    const nlohmann::json& comps = a.value("components", nlohmann::json());
    if (!comps.is_array() || comps.size() != m.eigenvalues.size()) {
      fail("\"components\" must hold one array per eigenvalue");
    }
    for (const auto& c : comps) {
      const std::vector<double> v = numbers(c, d, "components");
      m.components.insert(m.components.end(), v.begin(), v.end());
    }
    m.t2_limit = a.value("t2_limit", 0.0);
    m.q_limit = a.value("q_limit", 0.0);
    m.rows = a.value("rows", uint64_t(0));
    if (const char* why = model_problem(m)) {
      fail(why);
    }
    out.emplace_back(a["asset"].get<std::string>(), std::move(m));
  }
  } catch (const nlohmann::json::exception& e) {
    fail(e.what()); // a value of the wrong type
  }
  return out;
}

} // namespace twinctl::sensors
