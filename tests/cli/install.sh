#!/usr/bin/env bash
# `cmake --install` puts the binary, man pages, schemas and completions in place; the bash and zsh
# completions complete commands and flags for real; `cpack -G DEB` builds a package with the
# library dependencies resolved. (Installing the .deb on a clean machine is a CI step: .ci/run.)
source "$(dirname "$0")/lib.sh"
BUILD=${1:?usage: install.sh BUILD_DIR}
PREFIX="$WORK/prefix"
cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "cmake --install failed"; }
for f in bin/twinctl share/man/man1/twinctl.1 share/man/man1/twinctl-drift.1 share/man/man5/twinctl-twin.5 \
  share/twinctl/schemas/report.schema.json share/bash-completion/completions/twinctl \
  share/zsh/vendor-completions/_twinctl share/doc/twinctl/README.md share/doc/twinctl/examples/factory/twin.yaml; do
  [ -e "$PREFIX/$f" ] || fail "cmake --install did not install $f"
done
"$PREFIX/bin/twinctl" --version >"$WORK/version" || fail "the installed twinctl does not run"
grep -q "libgit2" "$WORK/version" || fail "installed --version lacks the libraries"
MANPATH="$PREFIX/share/man" man -w twinctl-drift >/dev/null 2>&1 || fail "man does not find twinctl-drift in the installed MANPATH"

# bash: what the completion offers at a cursor.
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _twinctl; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$PREFIX/share/bash-completion/completions/twinctl" "$@"
}
OUT=$(complete_bash twinctl dr)
[ "$OUT" = drift ] || fail "bash: 'twinctl dr<TAB>' offers '$OUT', not drift"
OUT=$(complete_bash twinctl drift --li)
[ "$OUT" = --live ] || fail "bash: 'twinctl drift --li<TAB>' offers '$OUT', not --live"
OUT=$(complete_bash twinctl simulate f)
grep -qx factory <<<"$OUT" && grep -qx failure <<<"$OUT" || fail "bash: 'twinctl simulate f<TAB>' offers '$OUT'"
OUT=$(complete_bash twinctl simulate factory --as)
grep -qx -- --assets <<<"$OUT" && grep -qx -- --assets-per-file <<<"$OUT" || fail "bash: 'twinctl simulate factory --as<TAB>' offers '$OUT'"
OUT=$(cd "$SRC" && complete_bash twinctl drift --twin examples/fac)
[ "$OUT" = examples/factory ] || fail "bash: a path after --twin completes to '$OUT'"

# zsh: the same, with zsh's completion functions standing in for the widget.
if command -v zsh >/dev/null; then
  complete_zsh() {
    zsh -f -c '_describe() { print -rl -- "${(@P)${@[-1]}}"; }; _files() { print -r -- "<files>"; }
      f=$1; shift; words=("$@"); CURRENT=$#; source "$f"' _ "$PREFIX/share/zsh/vendor-completions/_twinctl" "$@"
  }
  OUT=$(complete_zsh twinctl dr)
  grep -q '^drift:' <<<"$OUT" || fail "zsh: 'twinctl dr<TAB>' lacks drift with its description"
  OUT=$(complete_zsh twinctl drift --)
  grep -q '^--live:' <<<"$OUT" || fail "zsh: 'twinctl drift --<TAB>' lacks --live"
  OUT=$(complete_zsh twinctl drift --live x)
  [ "$OUT" = "<files>" ] || fail "zsh: the value of --live does not complete files: $OUT"
else
  fail "zsh is not installed (scripts/install-deps.sh installs it)"
fi

# The Debian package.
(cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg") >"$WORK/cpack.log" 2>&1 ||
  { cat "$WORK/cpack.log" >&2; fail "cpack -G DEB failed"; }
DEB=$(ls "$WORK"/pkg/twinctl_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || fail "cpack wrote no twinctl_*.deb"
if [ -n "$DEB" ]; then
  dpkg-deb -f "$DEB" Depends >"$WORK/depends"
  for dep in libgit2 libyaml libcurl libmosquitto libsqlite3 libprotobuf; do
    grep -q "$dep" "$WORK/depends" || fail "the package does not depend on $dep: $(cat "$WORK/depends")"
  done
  dpkg-deb -c "$DEB" >"$WORK/contents"
  for f in ./usr/bin/twinctl ./usr/share/man/man1/twinctl-drift.1 ./usr/share/bash-completion/completions/twinctl \
    ./usr/share/zsh/vendor-completions/_twinctl ./usr/share/twinctl/schemas/report.schema.json; do
    grep -q " $f\$" "$WORK/contents" || fail "the package lacks $f"
  done
fi
finish
