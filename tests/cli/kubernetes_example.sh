#!/usr/bin/env bash
# examples/kubernetes/: the manifests parse and hold what the README promises (one CronJob per site,
# concurrencyPolicy Forbid, a retry limit and a deadline, resource limits, non-root with a read-only
# root file system, the clone cache on an emptyDir, every credential from a Secret that secrets.yaml
# declares), and the container's arguments run for real with the built twinctl and the CronJob's
# environment: the twin cloned from a Git repository into TWINCTL_CACHE_DIR, the run recorded into
# the history TWINCTL_HISTORY_URL names, nothing written to HOME or the working directory. No
# Kubernetes cluster runs here: the manifests are checked by parsing them, not by applying them; the
# plant's live sources are replaced by the recorded snapshot of a generated twin, and its repository
# URL by a local one.
source "$(dirname "$0")/lib.sh"
DIR=$SRC/examples/kubernetes

run simulate factory --assets 120 --seed 4 --drift-rate 0 --out "$WORK/twin" --commit --quiet
expect_rc 0 "simulate factory"
sed -i 's/^id: sim-4$/id: plant-a/' "$WORK/twin/twin.yaml"
tgit -C "$WORK/twin" commit -qam "plant-a"
mkdir -p "$WORK/home" "$WORK/wd" "$WORK/cache"

/usr/bin/python3 - "$DIR" "$WORK" "$TWINCTL" <<'PY' || fail "examples/kubernetes"
import glob, os, re, subprocess, sys
import yaml

d, work, twinctl = sys.argv[1:4]
problems = []
def check(ok, msg):
    if not ok:
        problems.append(msg)

docs = {}
for path in sorted(glob.glob(f"{d}/*.yaml")):
    for doc in yaml.safe_load_all(open(path, encoding="utf-8")):
        if doc:
            docs.setdefault(doc["kind"], []).append((os.path.basename(path), doc))
secrets = {doc["metadata"]["name"]: doc for _, doc in docs.get("Secret", [])}
cronjobs = docs.get("CronJob", [])
check(cronjobs, "no CronJob")
uid = re.search(r"(?m)^USER (\d+)", open(f"{d}/Containerfile").read())

for path, cj in cronjobs:
    name = f"{path}: {cj['metadata']['name']}"
    site = cj["metadata"]["labels"]["twinctl/site"]
    check(cj["apiVersion"] == "batch/v1", f"{name}: apiVersion {cj['apiVersion']}")
    spec = cj["spec"]
    check(len(spec["schedule"].split()) == 5, f"{name}: schedule is not a cron line")
    check(spec.get("concurrencyPolicy") == "Forbid", f"{name}: concurrencyPolicy is not Forbid")
    job = spec["jobTemplate"]["spec"]
    check(isinstance(job.get("backoffLimit"), int), f"{name}: no backoffLimit")
    check(isinstance(job.get("activeDeadlineSeconds"), int), f"{name}: no activeDeadlineSeconds")
    pod = job["template"]["spec"]
    check(pod.get("restartPolicy") == "Never", f"{name}: restartPolicy must be Never (podFailurePolicy needs it)")
    for rule in job.get("podFailurePolicy", {}).get("rules", []):
        codes = rule.get("onExitCodes", {}).get("values", [])
        check(0 not in codes and 3 not in codes, f"{name}: podFailurePolicy must retry exit 3 and never fail on 0")
    psc = pod["securityContext"]
    check(psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0, f"{name}: not non-root")
    check(uid and int(uid.group(1)) == psc.get("runAsUser"), f"{name}: runAsUser differs from the image's USER")
    check(pod.get("automountServiceAccountToken") is False, f"{name}: mounts a service account token")
    (c,) = pod["containers"]
    csc = c["securityContext"]
    check(csc.get("readOnlyRootFilesystem") is True, f"{name}: root file system not read-only")
    check(csc.get("allowPrivilegeEscalation") is False and csc.get("capabilities", {}).get("drop") == ["ALL"],
          f"{name}: privilege escalation or capabilities left")
    check({"cpu", "memory"} <= set(c["resources"].get("limits", {})), f"{name}: no cpu and memory limits")
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    check(all(n in volumes for n in mounts.values()), f"{name}: a mount without a volume")
    env = {e["name"]: e for e in c["env"]}
    cache = env["TWINCTL_CACHE_DIR"]["value"]
    check("emptyDir" in volumes.get(mounts.get(cache, ""), {}), f"{name}: the clone cache {cache} is not an emptyDir")
    check("emptyDir" in volumes.get(mounts.get(c["workingDir"], ""), {}), f"{name}: the working directory is not writable")
    ref = env["TWINCTL_HISTORY_URL"].get("valueFrom", {}).get("secretKeyRef", {})
    check(ref.get("key") in secrets.get(ref.get("name"), {}).get("stringData", {}),
          f"{name}: TWINCTL_HISTORY_URL is not from a Secret in secrets.yaml")
    for e in c["env"]:
        check("value" not in e or not re.search(r"PASSWORD|TOKEN|URL", e["name"]), f"{name}: {e['name']} written in the manifest")
    # The history server's CA: a file of a Secret volume, holding only that key.
    ca = env.get("PGSSLROOTCERT", {}).get("value", "")
    ca_dir, ca_file = os.path.split(ca)
    ca_vol = volumes.get(mounts.get(ca_dir, ""), {}).get("secret", {})
    check(any(i["path"] == ca_file and i["key"] in secrets.get(ca_vol.get("secretName"), {}).get("stringData", {})
              for i in ca_vol.get("items", [])), f"{name}: PGSSLROOTCERT {ca!r} is not a file of a declared Secret")
    for src in c.get("envFrom", []):
        check(src["secretRef"]["name"] in secrets, f"{name}: envFrom names a Secret secrets.yaml does not declare")
    args = c["args"]
    check(args[0] == "audit" and f"audit-{site}" in args, f"{name}: not an audit with the SARIF category audit-{site}")

    # The container's command, for real: the image's ENTRYPOINT is twinctl.
    run_args, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "--repo":
            run_args += [a, f"file://{work}/twin"]; i += 2; continue
        if a == "--live":
            if "--live" not in run_args:
                run_args += [a, f"{work}/twin/live/snapshot.json"]
            i += 2; continue
        run_args.append(a); i += 1
    wd, home = f"{work}/wd", f"{work}/home"
    history = f"sqlite://{work}/history.db"  # the Secret's URL; postgresql:// in a plant (cli.fleet_workflow runs one)
    penv = {"PATH": "/usr/bin:/bin", "HOME": home, "PGSSLROOTCERT": ca, "TWINCTL_CACHE_DIR": f"{work}/cache",
            "TWINCTL_HISTORY_URL": history, "TWINCTL_GIT_USERNAME": "twinctl-reader",
            "TWINCTL_GIT_PASSWORD": "Pa55-word-k8s", "TWINCTL_DITTO_TOKEN": "Pa55-word-k8s"}
    # The sanitizer build's settings (tests/lsan.supp) reach the container's command too.
    penv.update({k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS")})
    r = subprocess.run([twinctl] + run_args, cwd=wd, env=penv, capture_output=True, text=True)
    # 0 or 1: a clean snapshot, but the generated certificates and calibrations expire (policy findings).
    check(r.returncode in (0, 1), f"{name}: twinctl {' '.join(run_args)}: exit {r.returncode}: {r.stderr[-600:]}")
    check(r.stdout.strip() != "" and "Pa55-word-k8s" not in r.stdout + r.stderr, f"{name}: no table, or a secret in it")
    check(os.listdir(home) == [], f"{name}: wrote to HOME: {os.listdir(home)}")
    check(os.listdir(wd) == [], f"{name}: wrote to the working directory: {os.listdir(wd)}")
    check(glob.glob(f"{work}/cache/repos/*.git"), f"{name}: no clone in TWINCTL_CACHE_DIR")
    h = subprocess.run([twinctl, "history", "list", "-o", "json"], cwd=wd, env=penv, capture_output=True, text=True)
    check(h.returncode == 0 and '"plant-a"' in h.stdout, f"{name}: the run is not in the history: {h.stdout[:300]} {h.stderr[:300]}")

for p in problems:
    print(f"examples/kubernetes: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
finish
