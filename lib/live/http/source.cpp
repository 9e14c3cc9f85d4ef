#include "lib/live/http/source.hpp"

#include "lib/live/http/client.hpp"
#include "lib/live/formats/live_files.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/url.hpp"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <set>
#include <thread>

namespace twinctl::live {

namespace {

constexpr size_t k_max_pages = 100000;
constexpr size_t k_decoders = 2; // pages decoded at once (this machine class has 2 cores)

// What a Source's `options` may say, per adapter (man twinctl-twin(5)).
const std::set<std::string> k_common_options = {"page_size", "timeout_seconds", "connect_timeout_seconds", "retries"};
const std::set<std::string> k_ditto_options = {"namespace", "filter", "fields"};
const std::set<std::string> k_generic_options = {"items",        "id",         "metrics",        "cursor",
                                                 "cursor_param", "page_param", "page_size_param"};

// The settings of one HTTP source: defaults, the Source's options, then the
// flags the user gave.
struct Settings {
  std::string adapter;
  std::map<std::string, std::string> opt; // the Source's options
  HttpSettings http;
  long page_size = 200;
  PageFormat format;
};

std::string where_of(const SourceSpec& spec) {
  return spec.source ? (spec.source->loc.known() ? spec.source->loc.str() + ": " : std::string()) + "source '" +
                           spec.source->id + "'"
                     : "--live " + util::redact_url(spec.endpoint);
}

double number_option(const SourceSpec& spec, const Settings& s, const std::string& key, double fallback, double min,
                     double max) {
  auto it = s.opt.find(key);
  if (it == s.opt.end()) {
    return fallback;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || !(v >= min && v <= max)) {
    throw Error(where_of(spec) + ": option " + key + " must be a number from " + (min > 0 ? "0.1" : "0") + " to " +
                std::to_string(long(max)) + ", not '" + it->second + "'");
  }
  return v;
}

std::string text_option(const Settings& s, const std::string& key, const std::string& fallback = "") {
  auto it = s.opt.find(key);
  return it == s.opt.end() ? fallback : it->second;
}

// Unknown options and pointers that are not pointers are the user's errors: exit 2.
void check_options(const SourceSpec& spec, const Settings& s) {
  const std::set<std::string>& own = s.adapter == "ditto" ? k_ditto_options : k_generic_options;
  for (const auto& [key, value] : s.opt) {
    if (!k_common_options.count(key) && !own.count(key)) {
      std::string known;
      for (const auto* set : {&k_common_options, &own}) {
        for (const std::string& k : *set) {
          known += (known.empty() ? "" : ", ") + k;
        }
      }
      throw Error(where_of(spec) + ": unknown option '" + key + "' for adapter " + s.adapter + " (expected " + known +
                  ")");
    }
    if (key == "items" || key == "id" || key == "metrics" || key == "cursor") {
      if (!value.empty() && value[0] != '/') {
        throw Error(where_of(spec) + ": option " + key + " must be a JSON pointer (\"/a/b\"), not '" + value + "'");
      }
    }
  }
}

Settings settings_for(const SourceSpec& spec, const LiveOptions& o) {
  Settings s;
  s.adapter = !spec.adapter.empty() ? spec.adapter : !o.adapter.empty() ? o.adapter : "ditto";
  if (s.adapter != "ditto" && s.adapter != "generic") {
    throw Error(where_of(spec) + ": adapter '" + s.adapter +
                "' cannot read an http(s) endpoint (expected ditto or generic)");
  }
  if (spec.source) {
    s.opt = spec.source->options;
  }
  check_options(spec, s);
  s.http.connect_timeout = o.given.count("connect-timeout")
                               ? o.connect_timeout
                               : number_option(spec, s, "connect_timeout_seconds", o.connect_timeout, 0.1, 3600);
  s.http.timeout =
      o.given.count("timeout") ? o.timeout : number_option(spec, s, "timeout_seconds", o.timeout, 0.1, 86400);
  s.http.retries = o.given.count("retries") ? o.retries : int(number_option(spec, s, "retries", o.retries, 0, 10));
  s.page_size = long(number_option(spec, s, "page_size", s.adapter == "ditto" ? 200 : 0, 0, 10000));
  if (s.adapter == "ditto" && s.page_size < 1) {
    s.page_size = 200;
  }
  s.http.ca_file = o.ca_file;
  s.http.cert_file = o.cert_file;
  s.http.key_file = o.key_file;
  s.http.insecure = o.insecure;
  Credentials c = credentials_for(spec);
  s.http.user = c.user;
  s.http.password = c.password;
  s.http.token = c.token;
  s.format.adapter = s.adapter;
  if (s.adapter == "ditto") {
    s.format.cursor = "/cursor";
  } else {
    s.format.items = text_option(s, "items");
    s.format.id = text_option(s, "id", "/id");
    s.format.metrics = text_option(s, "metrics");
    s.format.cursor = text_option(s, "cursor");
  }
  return s;
}

std::string percent_encode(std::string_view v) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Builds page URLs: the endpoint without credentials, plus query parameters.
struct Pager {
  std::string base;  // origin + path + the endpoint's own query, if any
  std::string shown; // origin + path: what errors and the snapshot name
  util::Url url;

  std::string with(const std::vector<std::pair<std::string, std::string>>& params) const {
    std::string out = base;
    for (const auto& [k, v] : params) {
      out += (out.find('?') == std::string::npos ? "?" : "&") + percent_encode(k) + "=" + percent_encode(v);
    }
    return out;
  }
};

Pager pager_for(const SourceSpec& spec, const Settings& s) {
  Pager p;
  p.url = util::parse_url(spec.endpoint);
  std::string path_query = p.url.raw_path_query;
  size_t q = path_query.find('?');
  std::string path = path_query.substr(0, q);
  std::string query = q == std::string::npos ? "" : path_query.substr(q);
  if (s.adapter == "ditto" && path.find("/search/things") == std::string::npos) {
    // The endpoint is the Ditto base URL.
    while (!path.empty() && path.back() == '/') {
      path.pop_back();
    }
    path += "/api/2/search/things";
  }
  p.shown = p.url.origin() + path;
  p.base = p.shown + query;
  return p;
}

// The URL of a page: the first (no cursor, page 1), after a cursor, or page `number`.
std::string page_url(const Pager& p, const Settings& s, const std::string& cursor, size_t number) {
  std::vector<std::pair<std::string, std::string>> params;
  if (s.adapter == "ditto") {
    if (auto ns = text_option(s, "namespace"); !ns.empty()) {
      params.emplace_back("namespaces", ns);
    }
    if (auto f = text_option(s, "filter"); !f.empty()) {
      params.emplace_back("filter", f);
    }
    params.emplace_back("fields", text_option(s, "fields", "thingId,attributes,features,_modified"));
    params.emplace_back("option", "size(" + std::to_string(s.page_size) + ")" +
                                      (cursor.empty() ? "" : ",cursor(" + cursor + ")"));
    return p.with(params);
  }
  if (auto sp = text_option(s, "page_size_param"); !sp.empty() && s.page_size > 0) {
    params.emplace_back(sp, std::to_string(s.page_size));
  }
  if (auto pp = text_option(s, "page_param"); !pp.empty()) {
    params.emplace_back(pp, std::to_string(number));
  }
  if (!cursor.empty()) {
    params.emplace_back(text_option(s, "cursor_param", "cursor"), cursor);
  }
  return p.with(params);
}

// A Link target, relative or absolute, only on the endpoint's own origin:
// the credentials must not follow a link to another host.
std::optional<std::string> resolve_link(const Pager& p, const std::string& link) {
  if (link.rfind("/", 0) == 0 && link.rfind("//", 0) != 0) {
    return p.url.origin() + link;
  }
  try {
    util::Url u = util::parse_url(link);
    if (u.origin() == p.url.origin() && u.user.empty() && u.password.empty()) {
      return link;
    }
  } catch (const Error&) {
  }
  return std::nullopt;
}

// The top-level member at a one-token JSON pointer ("/cursor") of a JSON
// object's text, as text, found without parsing the document: "" when absent
// or null; nullopt when this cannot tell (a deeper pointer, an escape, a value
// that is not a string or a number). The decoded page is checked against it.
std::optional<std::string> peek_member(std::string_view text, std::string_view pointer) {
  if (pointer.size() < 2 || pointer.find_first_of("/~", 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view key = pointer.substr(1);
  auto skip_space = [&](size_t j) {
    while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) {
      ++j;
    }
    return j;
  };
  int depth = 0;
  for (size_t i = skip_space(0); i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      size_t end = i + 1;
      bool escaped = false;
      for (; end < text.size() && text[end] != '"'; ++end) {
        if (text[end] == '\\') {
          escaped = true;
          ++end;
        }
      }
      if (end >= text.size()) {
        return std::nullopt;
      }
      std::string_view s = text.substr(i + 1, end - i - 1);
      i = end;
      size_t j = skip_space(i + 1);
      if (depth != 1 || escaped || s != key || j >= text.size() || text[j] != ':') {
        continue;
      }
      j = skip_space(j + 1);
      if (j < text.size() && text[j] == '"') {
        size_t close = text.find('"', j + 1);
        std::string_view v = text.substr(j + 1, close == std::string_view::npos ? 0 : close - j - 1);
        if (close == std::string_view::npos || v.find('\\') != std::string_view::npos) {
          return std::nullopt;
        }
        return std::string(v);
      }
      if (text.compare(j, 4, "null") == 0) {
        return std::string();
      }
      size_t k = j;
      while (k < text.size() && (std::isdigit(static_cast<unsigned char>(text[k])) || text[k] == '-')) {
        ++k;
      }
      if (k > j && k < text.size() && text[k] != '.' && text[k] != 'e' && text[k] != 'E') {
        return std::string(text.substr(j, k - j));
      }
      return std::nullopt;
    }
  }
  return std::string();
}

// Decodes pages on k_decoders threads kept for the whole read, in submission order
// per thread (a thread per page cost a new stack, malloc arena and simdjson parser each
// time). Tasks still queued when it is destroyed are dropped (their futures break).
template <class Result> class Workers {
public:
  explicit Workers(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      m_threads.emplace_back([this] { run(); });
    }
  }
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
      m_tasks.clear();
    }
    m_ready.notify_all();
    for (std::thread& t : m_threads) {
      t.join();
    }
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  std::future<Result> submit(std::packaged_task<Result()> task) {
    std::future<Result> f = task.get_future();
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_tasks.push_back(std::move(task));
    }
    m_ready.notify_one();
    return f;
  }

private:
  void run() {
    while (true) {
      std::packaged_task<Result()> task;
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_ready.wait(lock, [this] { return m_stop || !m_tasks.empty(); });
        if (m_stop) {
          return;
        }
        task = std::move(m_tasks.front());
        m_tasks.pop_front();
      }
      task(); // an exception goes to the future
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::packaged_task<Result()>> m_tasks;
  bool m_stop = false;
  std::vector<std::thread> m_threads; // last: started once the rest is built
};

class HttpReader {
public:
  HttpReader(const SourceSpec& spec, const model::Twin& twin, const AssetMatcher& matcher, const LiveOptions& o)
      : m_spec(spec), m_twin(twin), m_matcher(matcher), m_o(o), m_s(settings_for(spec, o)),
        m_pager(pager_for(spec, m_s)), m_client(m_s.http) {}

  model::LiveSnapshot read() {
    model::LiveSnapshot snap;
    model::LiveSource src;
    src.name = m_spec.name;
    src.adapter = m_s.adapter;
    src.endpoint = m_pager.shown;
    src.error = fetch_all(snap.observations);
    src.ok = src.error.empty();
    if (!src.ok) {
      snap.observations.clear(); // fail closed: nothing of a source that failed
    }
    src.items = snap.observations.size();
    snap.taken_at = util::format_timestamp(m_o.taken_at ? *m_o.taken_at : clock());
    progress(m_pages, src.ok ? std::to_string(src.items) + " items" : "FAILED", true);
    snap.sources.push_back(std::move(src));
    return snap;
  }

private:
  static int64_t clock() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void progress(size_t page, const std::string& what, bool done) const {
    if (m_o.on_progress) {
      m_o.on_progress(m_spec.name + " (" + m_s.adapter + "): page " + std::to_string(page) + ", " + what, done);
    }
  }

  std::string hint(long status) const {
    if (status == 401 || status == 403) {
      std::string p = env_prefix(m_spec.name);
      return " (check " + p + "TOKEN, or " + p + "USERNAME and " + p + "PASSWORD)";
    }
    if (status == 404 && m_s.adapter == "ditto") {
      return " (is the endpoint the Ditto base URL?)";
    }
    return "";
  }

  // "page 3:1:921: invalid JSON: ..." -> "truncated JSON at 1:921: ...", with a hint for a wrong shape.
  std::string page_error(const std::string& what) const {
    std::string msg = what.substr(what.find(':') + 1); // "1:921: message"
    size_t sep = msg.find(": ", msg.find(':') + 1);
    std::string pos = sep == std::string::npos ? "" : msg.substr(0, sep);
    msg = sep == std::string::npos ? msg : msg.substr(sep + 2);
    bool json_error = msg.rfind("invalid JSON", 0) == 0;
    if (json_error && (msg.find("unexpected end of input") != std::string::npos ||
                       msg.find("missing closing quote") != std::string::npos)) {
      msg.replace(0, 12, "truncated JSON");
    }
    if (!pos.empty()) {
      size_t colon = msg.find(':');
      msg = json_error ? msg.substr(0, colon) + " at " + pos + msg.substr(colon) : msg + " (at " + pos + ")";
    }
    if (!json_error && m_s.adapter == "ditto") {
      msg += "; not a Ditto API? use adapter generic";
    }
    return msg;
  }

  struct Decoded {
    size_t number = 0;
    Page page;
    std::string error;
  };

  // Decodes one page. Runs on a second thread: it reads only const state.
  Decoded decode(size_t number, std::string body) const {
    Decoded d;
    d.number = number;
    try {
      d.page =
          read_live_page("page " + std::to_string(number), std::move(body), m_twin, m_matcher, m_spec.name, m_s.format);
    } catch (const Error& e) {
      d.error = "GET " + m_pager.shown + " (page " + std::to_string(number) + "): " + page_error(e.what());
    }
    return d;
  }

  // Waits for the oldest pages being decoded until at most `keep` are left,
  // appending them in page order; returns the first error.
  std::string collect(std::vector<model::Observation>& out, size_t keep = 0) {
    while (m_pending.size() > keep) {
      if (std::string e = collect_one(out); !e.empty()) {
        return e;
      }
    }
    return "";
  }

  std::string collect_one(std::vector<model::Observation>& out) {
    auto [future, peeked] = std::move(m_pending.front());
    m_pending.pop_front();
    Decoded d = future.get();
    if (!d.error.empty()) {
      return d.error;
    }
    if (peeked && *peeked != d.page.cursor) {
      return "GET " + m_pager.shown + ": the page's cursor could not be read consistently";
    }
    m_last = {d.page.observations.size(), d.page.cursor};
    std::move(d.page.observations.begin(), d.page.observations.end(), std::back_inserter(out));
    progress(d.number, std::to_string(out.size()) + " items", false);
    return "";
  }

  // Fetches every page; returns the reason of a failure, empty when all were
  // read. Pages are decoded on k_decoders threads while the next one is
  // fetched, so a slow server, not the JSON parser, sets the pace
  // (bench/RESULTS.md); they are appended in page order.
  std::string fetch_all(std::vector<model::Observation>& out) {
    std::string url = page_url(m_pager, m_s, "", 1);
    std::set<std::string> seen;
    bool page_paging = !text_option(m_s, "page_param").empty();
    while (true) {
      ++m_pages;
      std::string at = "GET " + m_pager.shown + " (page " + std::to_string(m_pages) + "): ";
      HttpResult r = m_client.get(url);
      if (std::string e = collect(out, r.ok ? k_decoders - 1 : 0); !e.empty()) {
        return e; // an earlier page's error comes first
      }
      if (!r.ok) {
        return at + r.error + hint(r.response.status);
      }
      std::optional<std::string> cursor =
          m_s.format.cursor.empty() ? std::optional<std::string>("") : peek_member(r.response.body, m_s.format.cursor);
      m_pending.emplace_back(m_workers.submit(std::packaged_task<Decoded()>(
                                 [this, n = m_pages, body = std::move(r.response.body)]() mutable {
                                   return decode(n, std::move(body));
                                 })),
                             cursor);
      size_t items = 0;
      if (!cursor || page_paging) { // the next URL needs the decoded page
        if (std::string e = collect(out); !e.empty()) {
          return e;
        }
        cursor = m_last.cursor;
        items = m_last.items;
      }
      std::optional<std::string> next = next_url(*cursor, r.response, items);
      if (!next) {
        return collect(out);
      }
      if (next->empty() || !seen.insert(*next).second) {
        return at + (next->empty() ? "the next page's Link leaves the endpoint's origin"
                                   : "the server sent the same next page twice (a paging loop)");
      }
      if (m_pages >= k_max_pages) {
        return at + "more than " + std::to_string(k_max_pages) + " pages";
      }
      url = *next;
    }
  }

  // The next page's URL; nullopt after the last page; "" for a refused link.
  std::optional<std::string> next_url(const std::string& cursor, const HttpResponse& r, size_t items) {
    if (!cursor.empty()) {
      return page_url(m_pager, m_s, cursor, m_pages + 1);
    }
    if (auto link = r.headers.find("link"); link != r.headers.end()) {
      if (std::string target = next_link(link->second); !target.empty()) {
        return resolve_link(m_pager, target).value_or("");
      }
    }
    std::string page_param = text_option(m_s, "page_param");
    if (!page_param.empty() && items > 0 && (m_s.page_size <= 0 || long(items) >= m_s.page_size)) {
      return page_url(m_pager, m_s, "", m_pages + 1);
    }
    return std::nullopt;
  }

  const SourceSpec& m_spec;
  const model::Twin& m_twin;
  const AssetMatcher& m_matcher;
  const LiveOptions& m_o;
  Settings m_s;
  Pager m_pager;
  HttpClient m_client;
  size_t m_pages = 0;
  // The pages being decoded, oldest first, with their cursor as peeked (nullopt = unknown).
  std::deque<std::pair<std::future<Decoded>, std::optional<std::string>>> m_pending;
  struct {
    size_t items = 0;
    std::string cursor;
  } m_last; // the last page decoded
  Workers<Decoded> m_workers{k_decoders}; // last: joined before the state its tasks read goes
};

} // namespace

model::LiveSnapshot read_http(const SourceSpec& spec, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options) {
  return HttpReader(spec, twin, matcher, options).read();
}

} // namespace twinctl::live
