#!/usr/bin/env bash
# examples/workflows/fleet.yml: the structure a user relies on (one job per site, distinct sites and
# code scanning categories, fail-fast off, the fleet report after every site even when one failed,
# the history URL from a secret), and its shell steps run for real with the built twinctl: the site
# job's on twins from `simulate factory --sites 3` (two in the workspace, one in a repository of its
# own that twinctl clones), all recording into one history on a real PostgreSQL server
# (tests/support/pg.sh), then the fleet report job's. The Actions (checkout, upload-sarif,
# upload-artifact) and the .deb install are GitHub's and are not run here; the plants' live sources
# are replaced by the recorded snapshots of the generated sites. actionlint and shellcheck check the
# file in the test lint.github_actions.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/pg.sh"
WF=$SRC/examples/workflows/fleet.yml
pg_start
pg_createdb fleet

mkdir -p "$WORK/bin" "$WORK/ws/sites" "$WORK/home"
ln -s "$TWINCTL" "$WORK/bin/twinctl"
run simulate factory --sites 3 --assets 120 --seed 9 --out "$WORK/gen" --quiet
expect_rc 0 "simulate factory --sites 3"

/usr/bin/python3 - "$WF" "$WORK" "$(pg_url fleet)" <<'PY' || fail "fleet.yml"
import json, os, re, shutil, subprocess, sys
import yaml

wf_path, work, history = sys.argv[1], sys.argv[2], sys.argv[3]
wf = yaml.safe_load(open(wf_path, encoding="utf-8"))
problems = []
def check(ok, msg):
    if not ok:
        problems.append(msg)

# --- structure ------------------------------------------------------------------------------
jobs = wf["jobs"]
audit, report = jobs["audit"], jobs["fleet-report"]
strategy = audit["strategy"]
check(strategy["fail-fast"] is False, "audit: fail-fast must be false")
sites = strategy["matrix"]["include"]
names = [s["site"] for s in sites]
check(len(names) >= 2 and len(set(names)) == len(names), f"matrix sites not distinct: {names}")
for s in sites:
    check(bool(s.get("twin")) != bool(s.get("repo")), f"{s['site']}: needs exactly one of twin and repo")
    check(bool(s.get("live", "").split()), f"{s['site']}: no live sources")
check(audit["permissions"].get("security-events") == "write", "audit: no security-events: write")
check(wf.get("concurrency", {}).get("cancel-in-progress") is False, "a running fleet audit may be cancelled")
steps = {st.get("name") or st.get("uses"): st for st in audit["steps"]}
upload = [st for st in audit["steps"] if str(st.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
check(len(upload) == 1, "audit: one SARIF upload step")
category = upload[0]["with"]["category"]
rendered = [category.replace("${{ matrix.site }}", n) for n in names]
check(len(set(rendered)) == len(names) and "${{" not in "".join(rendered),
      f"SARIF categories are not distinct per site: {rendered}")
check(upload[0]["if"].startswith("always()") and "'3'" not in upload[0]["if"],
      "the SARIF upload must run after a failed gate, never after an incomplete run")
check("--sarif-category \"audit-$SITE\"" in steps["Audit"]["run"], "twinctl's SARIF category differs from the upload's")
check(steps["Audit"]["env"]["TWINCTL_HISTORY_URL"] == "${{ secrets.TWINCTL_HISTORY_URL }}", "audit: history URL not from a secret")
check(report["needs"] in ("audit", ["audit"]), "fleet report does not wait for the sites")
check(report.get("if") in ("${{ !cancelled() }}", "${{ always() }}", "always()", "!cancelled()"),
      "fleet report does not run when a site failed")
rsteps = {st.get("name"): st for st in report["steps"]}
rrun = rsteps["Fleet report"]["run"]
check("twinctl report --site all" in rrun and '>>"$GITHUB_STEP_SUMMARY"' in rrun and "-o markdown" in rrun,
      "fleet report: not `report --site all -o markdown >> $GITHUB_STEP_SUMMARY`")
check(rsteps["Fleet report"]["env"]["TWINCTL_HISTORY_URL"] == "${{ secrets.TWINCTL_HISTORY_URL }}",
      "fleet report: history URL not from a secret")
html = re.search(r'html=\$OUT/(\S+?)"', rrun)
check(html and rsteps["Keep the fleet report"]["with"]["path"] == "${{ env.OUT }}/" + html.group(1),
      "the uploaded artifact is not the HTML the report wrote")
check(rsteps["Keep the fleet report"].get("if") == "always()", "the fleet report artifact is not kept after a failure")

# In a container job ${{ github.workspace }} and ${{ runner.temp }} are the runner host's paths, not
# the container's (actions/runner#2058): every example workflow writes relative to the workspace.
import glob
for other in sorted(glob.glob(os.path.join(os.path.dirname(wf_path), "*.yml"))):
    for job_id, job in yaml.safe_load(open(other, encoding="utf-8"))["jobs"].items():
        if "container" in job:
            found = re.findall(r"\$\{\{\s*(github\.workspace|runner\.temp|runner\.workspace)\s*\}\}", json.dumps(job))
            check(not found, f"{os.path.basename(other)}: job {job_id} runs in a container but uses {found}")

# --- the site job's shell steps, for real -------------------------------------------------------
ws = f"{work}/ws"
gen = [f"{work}/gen/site-0{i}" for i in (1, 2, 3)]
def git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main",
                    *args], cwd=cwd, check=True, capture_output=True)
secret = "s3cr3t-Token-42"
password = re.match(r"postgresql://[^:]+:([^@]+)@", history).group(1)
overrides = {}
for s, src in zip(sites, gen):
    # matrix.site is the twin's site id: the generated twin takes the example's name.
    dest = f"{ws}/{s['twin']}" if s.get("twin") else f"{work}/repo-{s['site']}"
    shutil.copytree(src, dest)
    twin_yaml = open(f"{dest}/twin.yaml").read()
    open(f"{dest}/twin.yaml", "w").write(re.sub(r"(?m)^id: site-0\d$", f"id: {s['site']}", twin_yaml))
    if s.get("repo"):
        git("init", "-q", cwd=dest); git("add", "-A", cwd=dest); git("commit", "-qm", "twin", cwd=dest)
        overrides[s["site"]] = {"repo": f"file://{dest}", "live": f"{dest}/live/snapshot.json"}
    else:
        overrides[s["site"]] = {"live": f"{s['twin']}/live/snapshot.json"}
git("init", "-q", cwd=ws); git("add", "-A", cwd=ws); git("commit", "-qm", "twins", cwd=ws)


def expand(text, ctx):
    def one(m): # a context path such as matrix.site or steps.audit.outputs.exit-code
        kind, _, key = m.group(1).strip().partition(".")
        value = ctx.get(kind, {})
        if kind == "steps":
            step, _, key = key.partition(".outputs.")
            value = value.get(step, {}).get("outputs", {})
        return str(value.get(key, ""))
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

def run_step(step, ctx, env):
    out, summary = f"{work}/gh-output", f"{work}/gh-summary"
    step_env = dict(env, **{k: expand(v, ctx) for k, v in step.get("env", {}).items()},
                    GITHUB_OUTPUT=out, GITHUB_STEP_SUMMARY=summary)
    open(out, "w").close()
    open(summary, "w").close() # each step's own summary
    r = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=ws, env=step_env, capture_output=True, text=True)
    outputs = dict(l.split("=", 1) for l in open(out).read().splitlines() if "=" in l)
    return r, outputs, open(summary).read() if os.path.exists(summary) else ""

base_env = {"PATH": f"{work}/bin:/usr/bin:/bin", "HOME": f"{work}/home", "GITHUB_WORKSPACE": ws,
            "TWINCTL_CACHE_DIR": f"{work}/cache", "LC_ALL": "C.UTF-8"}
# The sanitizer build's settings (tests/lsan.supp: libgit2 1.5's own PCRE2 leak) reach the steps too.
base_env.update({k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS")})
for s in sites:
    matrix = dict(s, **overrides[s["site"]])
    ctx = {"matrix": matrix, "github": {"workspace": ws},
           "secrets": {"TWINCTL_HISTORY_URL": history, "DITTO_TOKEN": secret, "TWIN_REPO_TOKEN": secret,
                       "MQTT_USERNAME": "plant", "MQTT_PASSWORD": secret}}
    env = dict(base_env, **{k: expand(v, ctx) for k, v in audit["env"].items()})
    r, outputs, _ = run_step(steps["Audit"], ctx, env)
    site = s["site"]
    # The generated sites' energy source fails by design: an incomplete audit, exit 3.
    check(r.returncode == 0 and outputs.get("exit-code") == "3",
          f"{site}: Audit step exit {r.returncode}, exit-code {outputs.get('exit-code')}: {r.stderr[-800:]}")
    missing = [f for f in (f"{site}.sarif", f"{site}.json", f"{site}.md") if not os.path.isfile(f"{ws}/audit-out/{f}")]
    check(not missing, f"{site}: no {missing}")
    if missing:
        continue
    sarif = json.load(open(f"{ws}/audit-out/{site}.sarif"))
    check(sarif["runs"][0]["automationDetails"]["id"].startswith(f"audit-{site}"),
          f"{site}: SARIF category {sarif['runs'][0].get('automationDetails')}")
    check(json.load(open(f"{ws}/audit-out/{site}.json"))["twin"]["site"] == site, f"{site}: audited another twin")
    check(secret not in r.stdout + r.stderr and password not in r.stdout + r.stderr, f"{site}: a secret in the log")
    r, _, summary = run_step(steps["Job summary"], ctx, env)
    check(r.returncode == 0 and site in summary, f"{site}: job summary without the site's report")
    ctx["steps"] = {"audit": {"outputs": outputs}}
    gate = run_step(steps["Gate"], ctx, env)[0]
    check(gate.returncode == 3 and "incomplete" in gate.stdout, f"{site}: Gate exit {gate.returncode}: {gate.stdout}")

# Without the history secret the site job fails before auditing, and the gate says it could not run.
ctx["secrets"]["TWINCTL_HISTORY_URL"] = ""
r, outputs, _ = run_step(steps["Audit"], ctx, env)
check(r.returncode == 2 and "TWINCTL_HISTORY_URL is not set" in r.stdout and "exit-code" not in outputs,
      f"no history secret: exit {r.returncode}, {outputs}")
ctx["steps"] = {"audit": {"outputs": outputs}}
check(run_step(steps["Gate"], ctx, env)[0].returncode == 2, "no history secret: the gate did not fail with 2")

# Every site's run is in the one history.
runs = subprocess.run(["twinctl", "history", "list", "-o", "json"], cwd=ws, capture_output=True, text=True,
                      env=dict(base_env, TWINCTL_HISTORY_URL=history))
recorded = sorted({r["site"] for r in json.loads(runs.stdout)["runs"]}) if runs.returncode == 0 else runs.stderr
check(recorded == sorted(names), f"history sites: {recorded}")

# Both jobs trust the history server's CA from the repository variable, when it is set (libpq verifies
# sslmode=verify-full against PGSSLROOTCERT).
pem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----"
trust = [st for st in audit["steps"] + report["steps"] if st.get("name") == "Trust the history server's CA"]
check(len(trust) == 2, "not both jobs trust the history server's CA")
for st in trust:
    os.makedirs(f"{work}/rt", exist_ok=True)
    genv = f"{work}/gh-env"
    r, _, _ = run_step(st, {"vars": {"TWINCTL_HISTORY_CA": pem}}, dict(base_env, RUNNER_TEMP=f"{work}/rt", GITHUB_ENV=genv))
    check(st.get("if") == "vars.TWINCTL_HISTORY_CA != ''" and r.returncode == 0 and
          open(f"{work}/rt/history-ca.crt").read() == pem + "\n" and
          open(genv).read() == f"PGSSLROOTCERT={work}/rt/history-ca.crt\n", f"trusting the CA: {r.stderr}")
    os.remove(genv)

# The fleet report job: every site in the job summary and in the HTML it keeps.
ctx = {"github": {"workspace": ws}, "secrets": {"TWINCTL_HISTORY_URL": history}}
env = dict(base_env, **{k: expand(v, ctx) for k, v in report["env"].items()})
r, _, summary = run_step(rsteps["Fleet report"], ctx, env)
check(r.returncode == 0, f"fleet report: exit {r.returncode}: {r.stderr[-600:]}")
fleet_html = f"{ws}/{env['OUT']}/{html.group(1) if html else ''}"
page = open(fleet_html, encoding="utf-8").read() if os.path.isfile(fleet_html) else ""
for site in names:
    check(site in summary and site in page, f"fleet report: {site} missing from the summary or {fleet_html}")
check(password not in summary + page + r.stderr, "fleet report: the database password in the report")

for p in problems:
    print(f"{wf_path}: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
finish
