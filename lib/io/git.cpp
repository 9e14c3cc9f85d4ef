#include "lib/io/git.hpp"

#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <git2.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace twinctl::io {

namespace {

using GitCommit = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using GitTree = std::unique_ptr<git_tree, Deleter<git_tree_free>>;
using GitObject = std::unique_ptr<git_object, Deleter<git_object_free>>;
using GitBlob = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using GitDiff = std::unique_ptr<git_diff, Deleter<git_diff_free>>;
using GitIndex = std::unique_ptr<git_index, Deleter<git_index_free>>;
using GitSignature = std::unique_ptr<git_signature, Deleter<git_signature_free>>;
using GitRemote = std::unique_ptr<git_remote, Deleter<git_remote_free>>;
using GitReference = std::unique_ptr<git_reference, Deleter<git_reference_free>>;

std::string oid_str(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

git_oid parse_oid(const std::string& sha) {
  git_oid oid;
  git_check(git_oid_fromstr(&oid, sha.c_str()), "parsing object id " + sha);
  return oid;
}

GitCommit lookup_commit(git_repository* repo, const std::string& sha) {
  git_oid oid = parse_oid(sha);
  git_commit* c = nullptr;
  git_check(git_commit_lookup(&c, repo, &oid), "reading commit " + sha);
  return GitCommit(c);
}

GitTree tree_of(const git_commit* c) {
  git_tree* t = nullptr;
  git_check(git_commit_tree(&t, c), "reading the tree of a commit");
  return GitTree(t);
}

// libgit2 asks again after a refused answer: offer the credentials once, then fail.
struct CredentialPayload {
  const GitRepo::Credentials* credentials;
  int offered = 0;
};

int credential_callback(git_credential** out, const char* /*url*/, const char* user_from_url, unsigned int allowed,
                        void* payload) {
  auto* p = static_cast<CredentialPayload*>(payload);
  if (p->credentials->password.empty() || !(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
    return GIT_PASSTHROUGH; // as if there were no callback: libgit2 reports what it needed
  }
  if (p->offered++ > 0) {
    git_error_set_str(GIT_ERROR_NET, "authentication failed: the server refused the user name or password");
    return GIT_EUSER;
  }
  const std::string& user = p->credentials->user;
  return git_credential_userpass_plaintext_new(out, user.empty() && user_from_url ? user_from_url : user.c_str(),
                                               p->credentials->password.c_str());
}

} // namespace

void git_check(int rc, const std::string& what) {
  if (rc >= 0) {
    return;
  }
  const git_error* e = git_error_last(); // may be NULL before libgit2 1.8
  throw Error(what + ": " + (e && e->message ? e->message : "libgit2 error " + std::to_string(rc)));
}

std::optional<GitRepo> GitRepo::discover(const std::string& path) {
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, path.c_str(), 0, nullptr) < 0) {
    return std::nullopt;
  }
  return GitRepo(r);
}

GitRepo GitRepo::open(const std::string& path) {
  git_repository* r = nullptr;
  git_check(git_repository_open_ext(&r, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
            "opening Git repository " + path);
  return GitRepo(r);
}

GitRepo GitRepo::clone_or_fetch(const std::string& url, const std::string& dir, const Credentials& credentials) {
  std::error_code ec;
  CredentialPayload payload{&credentials};
  if (std::filesystem::exists(dir + "/HEAD", ec)) {
    GitRepo repo = open(dir);
    git_check(git_remote_set_url(repo.get(), "origin", url.c_str()), "setting the remote of the cached clone " + dir);
    git_remote* remote = nullptr;
    git_check(git_remote_lookup(&remote, repo.get(), "origin"), "finding the remote of the cached clone " + dir);
    GitRemote owned(remote);
    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.prune = GIT_FETCH_PRUNE;
    opts.callbacks.credentials = credential_callback;
    opts.callbacks.payload = &payload;
    git_check(git_remote_fetch(remote, nullptr, &opts, "twinctl fetch"), "fetching " + url);
    return repo;
  }
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  git_clone_options opts = GIT_CLONE_OPTIONS_INIT;
  opts.bare = 1;
  opts.fetch_opts.callbacks.credentials = credential_callback;
  opts.fetch_opts.callbacks.payload = &payload;
  git_repository* r = nullptr;
  int rc = git_clone(&r, url.c_str(), dir.c_str(), &opts);
  if (rc < 0) {
    std::filesystem::remove_all(dir, ec); // never leave a half clone that looks like a cache
    git_check(rc, "cloning " + url);
  }
  return GitRepo(r);
}

GitRepo::GitRepo(GitRepo&& o) noexcept : m_repo(o.m_repo) { o.m_repo = nullptr; }

GitRepo& GitRepo::operator=(GitRepo&& o) noexcept {
  if (this != &o) {
    if (m_repo) {
      git_repository_free(m_repo);
    }
    m_repo = o.m_repo;
    o.m_repo = nullptr;
  }
  return *this;
}

GitRepo::~GitRepo() {
  if (m_repo) {
    git_repository_free(m_repo);
  }
}

std::string GitRepo::remote_rev(const std::string& rev) const {
  std::string branch = rev;
  if (branch.empty() || branch == "HEAD") {
    // The clone's HEAD names the remote's default branch; fetches update only
    // refs/remotes/origin/*, so read that.
    git_reference* head = nullptr;
    if (git_reference_lookup(&head, m_repo, "HEAD") < 0) {
      return "HEAD";
    }
    GitReference owned(head);
    const char* target = git_reference_symbolic_target(head);
    if (!target || std::string(target).rfind("refs/heads/", 0) != 0) {
      return "HEAD";
    }
    branch = std::string(target).substr(std::string("refs/heads/").size());
  }
  std::string remote = "refs/remotes/origin/" + branch;
  git_oid oid;
  if (git_reference_name_to_id(&oid, m_repo, remote.c_str()) == 0) {
    return remote;
  }
  return rev.empty() ? "HEAD" : rev;
}

bool GitRepo::is_bare() const { return git_repository_is_bare(m_repo) == 1; }
bool GitRepo::is_shallow() const { return git_repository_is_shallow(m_repo) == 1; }

std::string GitRepo::workdir() const {
  const char* w = git_repository_workdir(m_repo);
  return w ? w : "";
}

std::string GitRepo::resolve_commit(const std::string& rev) const {
  git_object* obj = nullptr;
  git_check(git_revparse_single(&obj, m_repo, rev.c_str()), "resolving revision '" + rev + "'");
  GitObject owned(obj);
  git_object* peeled = nullptr;
  git_check(git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT), "'" + rev + "' does not name a commit");
  GitObject owned_peeled(peeled);
  return oid_str(git_object_id(peeled));
}

std::vector<GitRepo::TreeEntry> GitRepo::list_tree(const std::string& commit_sha, const std::string& dir) const {
  GitCommit c = lookup_commit(m_repo, commit_sha);
  GitTree root = tree_of(c.get());
  GitTree sub;
  const git_tree* start = root.get();
  if (!dir.empty()) {
    git_tree_entry* e = nullptr;
    git_check(git_tree_entry_bypath(&e, root.get(), dir.c_str()), "finding '" + dir + "' at " + commit_sha.substr(0, 12));
    std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>> owned(e);
    if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
      throw Error("'" + dir + "' is not a directory at " + commit_sha.substr(0, 12));
    }
    git_tree* t = nullptr;
    git_check(git_tree_lookup(&t, m_repo, git_tree_entry_id(e)), "reading tree " + dir);
    sub.reset(t);
    start = t;
  }
  struct Payload {
    std::string prefix;
    std::vector<TreeEntry> out;
  } payload{dir.empty() ? "" : dir + "/", {}};
  auto cb = [](const char* root_path, const git_tree_entry* e, void* p) -> int {
    auto* pl = static_cast<Payload*>(p);
    git_filemode_t mode = git_tree_entry_filemode(e);
    if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK) {
      pl->out.push_back({pl->prefix + root_path + git_tree_entry_name(e), oid_str(git_tree_entry_id(e)),
                         mode == GIT_FILEMODE_LINK});
    }
    return 0;
  };
  git_check(git_tree_walk(start, GIT_TREEWALK_PRE, cb, &payload), "listing the tree at " + commit_sha.substr(0, 12));
  std::sort(payload.out.begin(), payload.out.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return std::move(payload.out);
}

std::string GitRepo::read_blob(const std::string& blob_sha) const {
  git_oid oid = parse_oid(blob_sha);
  git_blob* b = nullptr;
  git_check(git_blob_lookup(&b, m_repo, &oid), "reading blob " + blob_sha);
  GitBlob owned(b);
  // Copy before the blob is freed: rawcontent points into libgit2's cache.
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
}

std::optional<std::string> GitRepo::read_path(const std::string& commit_sha, const std::string& path) const {
  GitTree tree = tree_of(lookup_commit(m_repo, commit_sha).get());
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree.get(), path.c_str()) == GIT_ENOTFOUND) {
    return std::nullopt;
  }
  git_check(e ? 0 : -1, "reading " + path);
  std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>> owned(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
    return std::nullopt;
  }
  return read_blob(oid_str(git_tree_entry_id(e)));
}

namespace {

// A signature as git makes it: the environment first, then user.name and
// user.email of the repository's configuration; null when neither is set.
GitSignature signature_for(git_repository* repo, const char* name_var, const char* email_var) {
  const char* name = std::getenv(name_var);
  const char* email = std::getenv(email_var);
  git_signature* s = nullptr;
  if (name && *name && email && *email) {
    git_check(git_signature_now(&s, name, email), std::string("the signature in ") + name_var + "/" + email_var);
  } else if (git_signature_default(&s, repo) < 0) {
    s = nullptr;
  }
  return GitSignature(s);
}

} // namespace

std::string GitRepo::commit_on_branch(const std::string& parent_sha, const std::map<std::string, std::string>& files,
                                      const std::string& message, const std::string& branch) const {
  int valid = 0;
  git_check(git_reference_name_is_valid(&valid, ("refs/heads/" + branch).c_str()), "checking the branch name");
  if (!valid || branch.empty() || branch[0] == '-') {
    throw Error("--branch " + branch + ": not a valid branch name");
  }
  git_reference* existing = nullptr;
  if (git_branch_lookup(&existing, m_repo, branch.c_str(), GIT_BRANCH_LOCAL) == 0) {
    git_reference_free(existing);
    throw Error("--branch " + branch + ": the branch exists already (delete it, or name another)");
  }
  GitCommit parent = lookup_commit(m_repo, parent_sha);
  GitTree base = tree_of(parent.get());
  std::vector<git_tree_update> updates;
  updates.reserve(files.size());
  for (const auto& [path, content] : files) {
    git_tree_entry* e = nullptr;
    git_check(git_tree_entry_bypath(&e, base.get(), path.c_str()), "finding " + path + " in " + parent_sha.substr(0, 12));
    std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>> owned(e);
    git_tree_update u{};
    u.action = GIT_TREE_UPDATE_UPSERT;
    u.filemode = git_tree_entry_filemode(e);
    u.path = path.c_str();
    git_check(git_blob_create_from_buffer(&u.id, m_repo, content.data(), content.size()), "writing " + path);
    updates.push_back(u);
  }
  git_oid tree_id;
  git_check(git_tree_create_updated(&tree_id, m_repo, base.get(), updates.size(), updates.data()), "writing the tree");
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, m_repo, &tree_id), "reading the new tree");
  GitTree tree(t);
  GitSignature author = signature_for(m_repo, "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL");
  if (!author) {
    throw Error("no author for the commit: set user.name and user.email (git config), or GIT_AUTHOR_NAME and "
                "GIT_AUTHOR_EMAIL");
  }
  GitSignature committer = signature_for(m_repo, "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL");
  if (!committer) {
    git_signature* s = nullptr;
    git_check(git_signature_dup(&s, author.get()), "copying the author");
    committer.reset(s);
  }
  const git_commit* parents[] = {parent.get()};
  git_oid id;
  git_check(git_commit_create(&id, m_repo, nullptr, author.get(), committer.get(), nullptr, message.c_str(), t, 1,
                              parents),
            "committing");
  GitCommit made = lookup_commit(m_repo, oid_str(&id));
  git_reference* ref = nullptr;
  git_check(git_branch_create(&ref, m_repo, branch.c_str(), made.get(), 0), "creating branch " + branch);
  git_reference_free(ref);
  return oid_str(&id);
}

std::map<std::string, model::CommitInfo> GitRepo::last_commits(const std::string& commit_sha,
                                                               const std::vector<std::string>& paths) const {
  std::map<std::string, model::CommitInfo> out;
  std::set<std::string> remaining(paths.begin(), paths.end());
  GitCommit c = lookup_commit(m_repo, commit_sha);
  // Walk first-parent history; each commit claims the remaining paths it changed.
  while (c && !remaining.empty()) {
    GitTree tree = tree_of(c.get());
    GitTree parent_tree;
    GitCommit parent;
    bool boundary = false;
    if (git_commit_parentcount(c.get()) > 0) {
      git_commit* p = nullptr;
      if (git_commit_parent(&p, c.get(), 0) < 0) {
        boundary = true; // a shallow clone: the parent is not here
      } else {
        parent.reset(p);
        parent_tree = tree_of(p);
      }
    } else if (is_shallow()) {
      boundary = true; // libgit2 may present the graft point as a root
    }
    if (boundary) {
      break; // what the boundary commit "added" may be older: leave it unknown
    }
    git_diff* d = nullptr;
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.flags |= GIT_DIFF_SKIP_BINARY_CHECK;
    git_check(git_diff_tree_to_tree(&d, m_repo, parent_tree.get(), tree.get(), &opts), "comparing trees");
    GitDiff diff(d);
    model::CommitInfo info;
    bool info_set = false;
    size_t n = git_diff_num_deltas(d);
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(d, i);
      auto it = remaining.find(delta->new_file.path);
      if (it == remaining.end()) {
        continue;
      }
      if (!info_set) {
        const git_signature* a = git_commit_author(c.get());
        info.sha = oid_str(git_commit_id(c.get()));
        info.author = a && a->name ? a->name : "";
        info.date = util::format_timestamp(a ? a->when.time : 0);
        info_set = true;
      }
      out[*it] = info;
      remaining.erase(it);
    }
    c = std::move(parent);
  }
  return out;
}

std::string commit_all(const std::string& dir, const std::string& message, const std::string& author_name,
                       const std::string& author_email, int64_t time_epoch) {
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) {
    git_check(git_repository_init(&r, dir.c_str(), 0), "creating a Git repository in " + dir);
  }
  GitRepo repo = GitRepo::open(dir);
  git_repository_free(r);

  git_index* idx = nullptr;
  git_check(git_repository_index(&idx, repo.get()), "opening the index");
  GitIndex index(idx);
  git_check(git_index_add_all(idx, nullptr, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr), "adding files");
  git_check(git_index_write(idx), "writing the index");
  git_oid tree_id;
  git_check(git_index_write_tree(&tree_id, idx), "writing the tree");
  git_tree* t = nullptr;
  git_check(git_tree_lookup(&t, repo.get(), &tree_id), "reading the new tree");
  GitTree tree(t);

  git_signature* s = nullptr;
  git_check(git_signature_new(&s, author_name.c_str(), author_email.c_str(), time_epoch, 0), "making a signature");
  GitSignature sig(s);

  GitCommit parent;
  git_oid head;
  if (git_reference_name_to_id(&head, repo.get(), "HEAD") == 0) {
    git_commit* p = nullptr;
    git_check(git_commit_lookup(&p, repo.get(), &head), "reading HEAD");
    parent.reset(p);
  }
  const git_commit* parents[] = {parent.get()};
  git_oid id;
  git_check(git_commit_create(&id, repo.get(), "HEAD", s, s, nullptr, message.c_str(), t, parent ? 1 : 0,
                              parent ? parents : nullptr),
            "committing");
  return oid_str(&id);
}

GitLibrary::GitLibrary() { git_libgit2_init(); }
GitLibrary::~GitLibrary() { git_libgit2_shutdown(); }

} // namespace twinctl::io
