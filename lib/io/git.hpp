// libgit2 behind small RAII wrappers and the few operations twinctl needs.
// Every libgit2 failure becomes a twinctl::Error with libgit2's message.
#pragma once

#include "lib/model/location.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct git_repository;

namespace twinctl::io {

template <auto FreeFn> struct Deleter {
  template <class T> void operator()(T* p) const noexcept {
    if (p) {
      FreeFn(p);
    }
  }
};

// Throws twinctl::Error("<what>: <libgit2 message>") when rc < 0.
void git_check(int rc, const std::string& what);

// One open repository (non-copyable, movable).
class GitRepo {
public:
  // Opens the repository at or above `path`; nullopt when there is none.
  static std::optional<GitRepo> discover(const std::string& path);
  // Opens the repository at `path` (bare or not); throws when it is not one.
  static GitRepo open(const std::string& path);
  // Credentials for clone_or_fetch, handed to libgit2 by a credential callback
  // (HTTP Basic), so they never reach the URL kept in the clone's config.
  struct Credentials {
    std::string user;
    std::string password; // empty: none offered
  };
  // Clones `url` (without credentials) into `dir` as a bare mirror, or fetches
  // into it when it exists (and sets its origin back to `url`, dropping any
  // credentials an older twinctl stored in it).
  static GitRepo clone_or_fetch(const std::string& url, const std::string& dir, const Credentials& credentials = {});

  GitRepo(GitRepo&&) noexcept;
  GitRepo& operator=(GitRepo&&) noexcept;
  ~GitRepo();

  git_repository* get() const { return m_repo; }
  bool is_bare() const;
  bool is_shallow() const;
  // The work tree with a trailing '/', empty for a bare repository.
  std::string workdir() const;
  // In a clone made by clone_or_fetch: the remote-tracking ref for `rev` (a
  // branch name, or empty/HEAD for the remote's default branch) when there is
  // one, else `rev` itself (a tag or a sha).
  std::string remote_rev(const std::string& rev) const;
  // The full sha of the commit `rev` names (throws when it names none).
  std::string resolve_commit(const std::string& rev) const;
  struct TreeEntry {
    std::string path; // repo-relative
    std::string oid;  // blob sha
    bool is_link = false; // a symlink: the blob holds the target path
  };
  // Every blob below `dir` ("" = root) in the tree of `commit_sha`, sorted by
  // path. Submodules are skipped.
  std::vector<TreeEntry> list_tree(const std::string& commit_sha, const std::string& dir) const;
  // The content of a blob.
  std::string read_blob(const std::string& blob_sha) const;
  // The content of the file at repo-relative `path` in the tree of
  // `commit_sha`; nullopt when the commit has no file there.
  std::optional<std::string> read_path(const std::string& commit_sha, const std::string& path) const;
  // Makes one commit whose parent is `parent_sha` and whose tree is the
  // parent's with `files` (repo-relative path -> new content; each must exist
  // there, its mode is kept) replaced, and a new branch `branch` at it. The
  // work tree, the index and HEAD are not touched. Author and committer come
  // from GIT_AUTHOR_NAME/EMAIL and GIT_COMMITTER_NAME/EMAIL as git reads them,
  // else from user.name/user.email in the repository's configuration. Throws
  // when the branch exists or its name is not a valid branch name. Returns the
  // new commit's sha.
  std::string commit_on_branch(const std::string& parent_sha, const std::map<std::string, std::string>& files,
                               const std::string& message, const std::string& branch) const;
  // The last commit that changed each of `paths`, walking first-parent history
  // from `commit_sha`. Paths whose change lies beyond a shallow boundary stay unknown.
  std::map<std::string, model::CommitInfo> last_commits(const std::string& commit_sha,
                                                        const std::vector<std::string>& paths) const;

private:
  explicit GitRepo(git_repository* r) : m_repo(r) {}
  git_repository* m_repo = nullptr;
};

// Makes `dir` a Git repository (if it is not one) and commits every file in it
// with the given message and author; returns the new commit's sha.
std::string commit_all(const std::string& dir, const std::string& message,
                       const std::string& author_name, const std::string& author_email,
                       int64_t time_epoch);

// Holds libgit2 initialised for its lifetime (main.cpp and tests only).
struct GitLibrary {
  GitLibrary();
  ~GitLibrary();
  GitLibrary(const GitLibrary&) = delete;
  GitLibrary& operator=(const GitLibrary&) = delete;
};

} // namespace twinctl::io
