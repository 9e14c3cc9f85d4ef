#include "lib/loaders/twin_reader.hpp"

#include "lib/io/files.hpp"
#include "lib/io/git.hpp"
#include "lib/model/finding.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/url.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace twinctl::loaders {

namespace {

bool is_yaml_name(const std::string& name) {
  auto ends = [&](const char* ext) {
    size_t n = std::char_traits<char>::length(ext);
    return name.size() > n && name.compare(name.size() - n, n, ext) == 0;
  };
  return ends(".yaml") || ends(".yml");
}

// True when any component of a relative path is hidden (.git, .github, .cache ...).
bool has_hidden_part(const std::string& rel) {
  for (const std::string& part : util::split(rel, '/')) {
    if (!part.empty() && part[0] == '.') {
      return true;
    }
  }
  return false;
}

// "a/b/../c" -> "a/c"; nullopt when it climbs above the start.
std::optional<std::string> normalize(const std::string& path) {
  std::vector<std::string> out;
  for (const std::string& part : util::split(path, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (out.empty()) {
        return std::nullopt;
      }
      out.pop_back();
    } else {
      out.push_back(part);
    }
  }
  return util::join(out, "/");
}

std::string join_path(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

// --- Git objects ----------------------------------------------------------

std::string find_twin_root_in_tree(const std::vector<io::GitRepo::TreeEntry>& entries, const std::string& rev) {
  std::vector<std::string> roots;
  for (const auto& e : entries) {
    std::string name = e.path.substr(e.path.rfind('/') == std::string::npos ? 0 : e.path.rfind('/') + 1);
    if (name == "twin.yaml" && !has_hidden_part(e.path)) {
      if (e.path == "twin.yaml") {
        return "";
      }
      roots.push_back(e.path.substr(0, e.path.size() - std::string("/twin.yaml").size()));
    }
  }
  if (roots.size() == 1) {
    return roots[0];
  }
  if (roots.empty()) {
    throw Error("no twin.yaml at " + rev + "; give the twin root with --twin DIR");
  }
  throw Error("several twins at " + rev + " (" + util::join(roots, ", ") + "); choose one with --twin DIR");
}

LoadResult read_from_git(const io::GitRepo& repo, const std::string& rev, std::string twin_root, unsigned threads) {
  std::string commit = repo.resolve_commit(rev);
  std::vector<io::GitRepo::TreeEntry> all = repo.list_tree(commit, "");
  if (twin_root.empty()) {
    twin_root = find_twin_root_in_tree(all, rev);
  } else {
    auto norm = normalize(twin_root);
    if (!norm) {
      throw Error("--twin " + twin_root + " leaves the repository");
    }
    twin_root = *norm;
  }
  std::map<std::string, const io::GitRepo::TreeEntry*> by_path;
  for (const auto& e : all) {
    by_path[e.path] = &e;
  }
  std::string twin_yaml = join_path(twin_root, "twin.yaml");
  if (!by_path.count(twin_yaml)) {
    throw Error("no " + twin_yaml + " at " + rev + " (" + commit.substr(0, 12) + ")");
  }
  std::string prefix = twin_root.empty() ? "" : twin_root + "/";
  std::vector<TwinFile> files;
  std::vector<std::string> paths;
  for (const auto& e : all) {
    if (e.path.compare(0, prefix.size(), prefix) != 0 || !is_yaml_name(e.path) ||
        has_hidden_part(e.path.substr(prefix.size()))) {
      continue;
    }
    TwinFile f;
    f.path = e.path;
    const io::GitRepo::TreeEntry* target = &e;
    if (e.is_link) {
      // A symlink's blob holds its target, relative to the link's directory.
      std::string dir = e.path.find('/') == std::string::npos ? "" : e.path.substr(0, e.path.rfind('/'));
      std::string link = repo.read_blob(e.oid);
      auto resolved = link.empty() || link[0] == '/' ? std::nullopt : normalize(join_path(dir, link));
      auto it = resolved ? by_path.find(*resolved) : by_path.end();
      if (!resolved) {
        f.error = "symlink to '" + link + "' leaves the repository";
      } else if (it == by_path.end() || it->second->is_link) {
        f.error = "symlink to '" + link + "' does not point at a file in the repository";
      } else {
        target = it->second;
      }
    }
    if (f.error.empty()) {
      f.content = repo.read_blob(target->oid);
      if (f.content.size() > k_max_twin_file_bytes) {
        f.content.clear();
        f.error = "the file is larger than " + std::to_string(k_max_twin_file_bytes >> 20) + " MiB";
      }
    }
    paths.push_back(f.path);
    files.push_back(std::move(f));
  }
  LoadResult result = load_twin_files(std::move(files), twin_root, threads);
  result.twin.commit = commit;
  result.twin.ref = rev;
  result.twin.file_commits = repo.last_commits(commit, paths);
  return result;
}

// --- the working tree -----------------------------------------------------

fs::path find_twin_root_on_disk(const fs::path& start) {
  std::error_code ec;
  for (fs::path p = start; !p.empty(); p = p.parent_path()) {
    if (fs::is_regular_file(p / "twin.yaml", ec)) {
      return p;
    }
    if (p == p.parent_path()) {
      break;
    }
  }
  // Not above: look a few levels below (a repo whose twin lives in a folder).
  std::vector<fs::path> found;
  fs::recursive_directory_iterator it(start, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it.depth() > 4 || (!name.empty() && name[0] == '.') || name.rfind("build", 0) == 0) {
      it.disable_recursion_pending();
      continue;
    }
    if (name == "twin.yaml" && it->is_regular_file(ec)) {
      found.push_back(it->path().parent_path());
    }
  }
  if (found.size() == 1) {
    return found[0];
  }
  if (found.empty()) {
    throw Error("no twin.yaml in " + start.string() + " or its parents; give the twin root with --twin DIR");
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (size_t i = 0; i < found.size() && i < 5; ++i) {
    names.push_back(fs::relative(found[i], start, ec).string());
  }
  throw Error("several twins below " + start.string() + " (" + util::join(names, ", ") +
              (found.size() > 5 ? ", ..." : "") + "); choose one with --twin DIR");
}

LoadResult read_from_worktree(const TwinRequest& req) {
  std::error_code ec;
  fs::path base = req.repo.empty() ? fs::path(req.cwd) : fs::absolute(fs::path(req.cwd) / req.repo, ec);
  if (!fs::is_directory(base, ec)) {
    throw Error(base.string() + ": not a directory");
  }
  fs::path root;
  if (!req.twin.empty()) {
    root = fs::path(req.twin).is_absolute() ? fs::path(req.twin) : base / req.twin;
    if (!fs::is_directory(root, ec)) {
      throw Error(req.twin + ": not a directory");
    }
    if (!fs::is_regular_file(root / "twin.yaml", ec)) {
      throw Error(req.twin + ": no twin.yaml in this directory (a twin root has one)");
    }
  } else {
    root = find_twin_root_on_disk(base);
  }
  root = fs::weakly_canonical(root, ec);

  // Paths are relative to the repository root, as Git and SARIF want them;
  // outside Git, relative to the current directory.
  std::optional<io::GitRepo> repo = io::GitRepo::discover(root.string());
  fs::path anchor = repo && !repo->workdir().empty() ? fs::weakly_canonical(repo->workdir(), ec)
                                                     : fs::weakly_canonical(req.cwd, ec);
  fs::path boundary = repo && !repo->workdir().empty() ? anchor : root;
  auto rel = [&](const fs::path& p) {
    std::string r = p.lexically_relative(anchor).generic_string();
    return r.empty() || r == "." ? std::string() : r;
  };

  std::vector<TwinFile> files;
  std::vector<std::string> paths;
  std::vector<model::Diagnostic> skipped;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    throw Error(root.string() + ": " + ec.message());
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      throw Error(root.string() + ": " + ec.message());
    }
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec) && it->is_directory(ec)) {
      // Not followed (the iterator does not, and a linked directory could leave the
      // repository or loop); said, so a twin half-read is not mistaken for all of it.
      skipped.push_back({{rel(p), 0, 0}, "a symlink to a directory: not followed, its files are not read"});
      continue;
    }
    if (!is_yaml_name(name)) {
      continue;
    }
    TwinFile f;
    f.path = rel(p);
    if (it->is_symlink(ec)) {
      // Follow a link only when its target stays inside the repository (or the twin outside Git).
      fs::path target = fs::weakly_canonical(p, ec);
      std::string inside = target.lexically_relative(boundary).generic_string();
      if (ec || inside.empty() || inside.rfind("..", 0) == 0) {
        f.error = "symlink to '" + fs::read_symlink(p, ec).string() + "' leaves the repository";
      } else if (!fs::is_regular_file(target, ec)) {
        f.error = "symlink does not point at a file";
      }
    } else if (!it->is_regular_file(ec)) {
      if (!it->is_directory(ec)) { // reading a FIFO would wait for a writer forever
        skipped.push_back({{f.path, 0, 0}, "not a regular file (a FIFO, socket or device): not read"});
      }
      continue;
    }
    if (f.error.empty()) {
      try {
        f.content = io::read_file(p.string(), k_max_twin_file_bytes);
      } catch (const Error& e) {
        std::string msg = e.what();
        f.error = msg.substr(msg.find(": ") == std::string::npos ? 0 : msg.find(": ") + 2);
      }
    }
    paths.push_back(f.path);
    files.push_back(std::move(f));
  }
  LoadResult result = load_twin_files(std::move(files), rel(root), req.threads);
  result.skipped = std::move(skipped);
  if (repo) {
    try {
      result.twin.commit = repo->resolve_commit("HEAD");
      result.twin.file_commits = repo->last_commits(result.twin.commit, paths);
    } catch (const Error&) {
      // No commit yet (an unborn branch): commits stay unknown.
    }
  }
  return result;
}

} // namespace

bool is_remote_url(const std::string& repo) {
  if (repo.find("://") != std::string::npos) {
    return true;
  }
  // scp-like syntax: user@host:path
  size_t at = repo.find('@');
  size_t colon = repo.find(':');
  return at != std::string::npos && colon != std::string::npos && at < colon && repo.find('/') > colon;
}

LoadResult read_twin(const TwinRequest& req) {
  if (is_remote_url(req.repo)) {
    // Credentials go to libgit2 apart from the URL (from it, or from TWINCTL_GIT_USERNAME /
    // TWINCTL_GIT_PASSWORD), so neither the clone's config nor the cache's name holds them.
    util::UrlCredentials split = util::split_credentials(req.repo);
    io::GitRepo::Credentials credentials{split.user, split.password};
    if (const char* user = std::getenv("TWINCTL_GIT_USERNAME"); user && credentials.user.empty()) {
      credentials.user = user;
    }
    if (const char* password = std::getenv("TWINCTL_GIT_PASSWORD"); password && credentials.password.empty()) {
      credentials.password = password;
    }
    std::string dir = io::cache_dir() + "/repos/" + model::fingerprint("", split.url, "", "") + ".git";
    try {
      io::GitRepo repo = io::GitRepo::clone_or_fetch(split.url, dir, credentials);
      return read_from_git(repo, repo.remote_rev(req.ref), req.twin, req.threads);
    } catch (const Error& e) {
      // The URL we gave libgit2 has no credentials; a message of a server or of libgit2
      // holding them anyway is scrubbed (the last line of defence).
      std::string msg = e.what();
      for (const std::string& secret : {credentials.password, split.password}) {
        for (size_t p; !secret.empty() && (p = msg.find(secret)) != std::string::npos;) {
          msg.replace(p, secret.size(), "***");
        }
      }
      throw Error(msg);
    }
  }
  if (!req.ref.empty()) {
    std::string path = req.repo.empty() ? req.cwd : req.repo;
    std::optional<io::GitRepo> repo = io::GitRepo::discover(path);
    if (!repo) {
      throw Error(path + ": not in a Git repository (needed for --ref)");
    }
    return read_from_git(*repo, req.ref, req.twin, req.threads);
  }
  if (!req.repo.empty()) {
    std::optional<io::GitRepo> repo = io::GitRepo::discover(req.repo);
    if (repo && repo->is_bare()) {
      return read_from_git(*repo, "HEAD", req.twin, req.threads);
    }
  }
  return read_from_worktree(req);
}

} // namespace twinctl::loaders
