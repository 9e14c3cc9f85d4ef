// load_twin_files in four steps: each file is parsed and its documents handed
// to the reader of their kind (lib/loaders/kinds/), in parallel; the results are
// merged in path order; the singletons (Twin, the policies) are checked; the
// collections are sorted by id without duplicates.
#include "lib/loaders/twin_loader.hpp"

#include "lib/loaders/kinds/documents.hpp"
#include "lib/loaders/yaml.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <atomic>
#include <new>
#include <thread>

namespace twinctl::loaders {

using kinds::FileResult;
using model::Diagnostic;
using model::SourceLocation;

namespace {

FileResult read_file(const TwinFile& f) {
  FileResult out;
  kinds::Ctx ctx{f.path, out.errors};
  if (!f.error.empty()) {
    out.errors.push_back({{f.path, 0, 0}, f.error});
    return out;
  }
  std::vector<YamlNode> docs;
  try {
    docs = parse_yaml(f.content, f.path);
  } catch (const Error& e) {
    // parse_yaml's message already starts with path:line:column.
    std::string msg = e.what();
    std::string prefix = f.path + ":";
    SourceLocation loc{f.path, 1, 1};
    if (msg.rfind(prefix, 0) == 0) {
      size_t a = prefix.size();
      size_t b = msg.find(':', a);
      size_t c = b == std::string::npos ? b : msg.find(':', b + 1);
      if (c != std::string::npos) {
        loc.line = std::atoi(msg.substr(a, b - a).c_str());
        loc.column = std::atoi(msg.substr(b + 1, c - b - 1).c_str());
        msg = util::trim(msg.substr(c + 1));
      }
    }
    out.errors.push_back({loc, msg});
    return out;
  }
  bool any = false;
  for (const YamlNode& doc : docs) {
    if (doc.is_null()) {
      continue; // an empty document between two '---' is harmless
    }
    any = true;
    kinds::read_document(ctx, doc, out);
  }
  if (!any) {
    out.errors.push_back({{f.path, 1, 1}, "the file has no YAML document (it is empty)"});
  }
  return out;
}

// read_file for a worker thread: nothing may escape it (an exception leaving a
// std::thread calls std::terminate). Running out of memory on one file is that
// file's error, exit 2 with its name; the limits of parse_yaml make it unlikely.
FileResult read_file_guarded(const TwinFile& f) {
  std::string msg;
  try {
    return read_file(f);
  } catch (const std::bad_alloc&) {
    msg = "not enough memory to read this file";
  } catch (const std::exception& e) {
    msg = std::string("could not read this file: ") + e.what();
  } catch (...) {
    msg = "could not read this file";
  }
  FileResult out; // small: allocating it after the failed allocation was freed is fine
  out.errors.push_back({{f.path, 1, 1}, msg});
  return out;
}

// Moves `from` onto the end of `to` and frees `from` at once, so the moved-from
// husks of a large collection (assets) do not live until the end of the load.
template <class T> void append(std::vector<T>& to, std::vector<T>& from) {
  std::move(from.begin(), from.end(), std::back_inserter(to));
  std::vector<T>().swap(from);
}

// A document kind the twin holds once (ZonePolicy, DriftPolicy, ...): the
// first in path order; each further one is an error pointing at the first.
template <class T>
void take_one(std::vector<T>& found, T& into, const char* kind, std::vector<Diagnostic>& errors) {
  if (found.empty()) {
    return;
  }
  into = std::move(found.front());
  for (size_t i = 1; i < found.size(); ++i) {
    errors.push_back({found[i].loc, std::string("more than one ") + kind + " (the first is at " + into.loc.str() + ")"});
  }
}

// Sorts by id and reports duplicates (the later one, pointing at the first).
// Sorts a permutation, applies it in place by following its cycles (each item
// moves about once: assets are large structs), then drops duplicates in place.
template <class T>
void sort_unique(std::vector<T>& items, const char* what, std::vector<Diagnostic>& errors) {
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return items[a].id < items[b].id; });
  // order[i] = the index of the item that belongs at i.
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) {
      continue;
    }
    T tmp = std::move(items[i]);
    size_t j = i;
    while (order[j] != i) {
      size_t from = order[j];
      items[j] = std::move(items[from]);
      order[j] = j;
      j = from;
    }
    items[j] = std::move(tmp);
    order[j] = j;
  }
  size_t out = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].id.empty()) {
      continue; // already reported as missing
    }
    if (out > 0 && items[out - 1].id == items[i].id) {
      errors.push_back({items[i].loc, std::string("duplicate ") + what + " id '" + items[i].id +
                                          "' (first defined at " + items[out - 1].loc.str() + ")"});
      continue;
    }
    if (out != i) {
      items[out] = std::move(items[i]);
    }
    ++out;
  }
  items.erase(items.begin() + static_cast<ptrdiff_t>(out), items.end());
}

} // namespace

LoadResult load_twin_files(std::vector<TwinFile> files, const std::string& twin_root, unsigned threads) {
  // Step 1: parse and convert each file on its own (the expensive part) in parallel.
  std::sort(files.begin(), files.end(), [](const TwinFile& a, const TwinFile& b) { return a.path < b.path; });
  std::vector<FileResult> results(files.size());
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, files.size())));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      results[i] = read_file_guarded(files[i]);
      std::string().swap(files[i].content); // free the text as soon as it is parsed
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    pool.emplace_back(work);
  }
  work();
  for (std::thread& t : pool) {
    t.join();
  }

  // Step 2: merge in path order, so the result does not depend on scheduling.
  LoadResult out;
  model::Twin& twin = out.twin;
  twin.root = twin_root;
  std::vector<model::Twin> headers;
  std::vector<model::ZonePolicy> zone_policies;
  std::vector<model::DriftPolicy> drift_policies;
  std::vector<model::DetectorPolicy> detector_policies;
  std::vector<model::HealthPolicy> health_policies;
  std::vector<model::ShiftCalendar> shift_calendars;
  size_t asset_count = 0;
  for (const FileResult& r : results) {
    asset_count += r.assets.size();
  }
  twin.assets.reserve(asset_count); // one allocation: no doubling of a vector of large structs
  for (FileResult& r : results) {
    append(out.errors, r.errors);
    append(twin.assets, r.assets);
    append(twin.spaces, r.spaces);
    append(twin.teams, r.teams);
    append(twin.sources, r.sources);
    append(headers, r.twins);
    append(zone_policies, r.zone_policies);
    append(drift_policies, r.drift_policies);
    append(detector_policies, r.detector_policies);
    append(health_policies, r.health_policies);
    append(shift_calendars, r.shift_calendars);
    for (model::IgnoreList& l : r.ignore_lists) {
      if (!twin.ignore_list.loc.known()) {
        twin.ignore_list.loc = l.loc;
      }
      append(twin.ignore_list.suppressions, l.suppressions);
    }
  }

  // Step 3: the singletons: one Twin header (in twin.yaml), at most one zone and drift policy.
  std::string twin_yaml = twin_root.empty() ? "twin.yaml" : twin_root + "/twin.yaml";
  for (model::Twin& h : headers) {
    if (h.loc.path != twin_yaml) {
      out.errors.push_back({h.loc, "a Twin document belongs in " + twin_yaml});
    } else if (!twin.loc.known()) {
      twin.id = h.id;
      twin.name = h.name;
      twin.description = h.description;
      twin.defaults = h.defaults;
      twin.loc = h.loc;
    } else {
      out.errors.push_back({h.loc, "more than one Twin document in " + twin_yaml});
    }
  }
  if (!twin.loc.known()) {
    out.errors.push_back({{twin_yaml, 1, 1}, twin_yaml + " has no 'kind: Twin' document"});
  }
  take_one(zone_policies, twin.zone_policy, "ZonePolicy", out.errors);
  take_one(drift_policies, twin.drift_policy, "DriftPolicy", out.errors);
  take_one(detector_policies, twin.detector_policy, "DetectorPolicy", out.errors);
  take_one(health_policies, twin.health_policy, "HealthPolicy", out.errors);
  take_one(shift_calendars, twin.shift_calendar, "ShiftCalendar", out.errors);

  // Step 4: sorted collections with unique ids.
  sort_unique(twin.assets, "asset", out.errors);
  sort_unique(twin.spaces, "space", out.errors);
  sort_unique(twin.teams, "team", out.errors);
  sort_unique(twin.sources, "source", out.errors);
  sort_unique(twin.zone_policy.zones, "zone", out.errors);
  sort_unique(twin.zone_policy.conduits, "conduit", out.errors);

  std::sort(out.errors.begin(), out.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.path, a.loc.line, a.loc.column, a.message) <
           std::tie(b.loc.path, b.loc.line, b.loc.column, b.message);
  });
  return out;
}

std::vector<Diagnostic> load_ignore_file(const TwinFile& file, model::IgnoreList& out) {
  FileResult r = read_file(file);
  auto other = r.assets.size() + r.spaces.size() + r.teams.size() + r.sources.size() + r.zone_policies.size() +
               r.drift_policies.size() + r.detector_policies.size() + r.health_policies.size() + r.shift_calendars.size() + r.twins.size();
  if (other > 0) {
    r.errors.push_back({{file.path, 1, 1}, "an ignore file may only hold IgnoreList documents"});
  }
  for (model::IgnoreList& l : r.ignore_lists) {
    append(out.suppressions, l.suppressions);
  }
  return std::move(r.errors);
}

} // namespace twinctl::loaders
