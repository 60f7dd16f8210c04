# The CI docs' commands are real (issue 13): every `pyshift check` command of
# docs/ci/pyshift.yml (for each target of its matrix), and of the sh blocks
# and yaml blocks (GitHub `- run:` steps, GitLab `script:` lines) of
# docs/ci/*.md, README.md and docs/output-formats.md runs in a scratch git
# repository with a finding and an undecodable file, exits 0 and writes the
# reports it names: SARIF (the finding, URIs relative to the repository's
# top, passing sarif_validate.py with the SARIF Multitool), GitLab Code
# Quality (gitlab_codequality_check.py) and JUnit (junit_check.py, the
# undecodable file an error). docs/ci/gitlab.md's .gitlab-ci.yml parses and
# its reports are the files its command writes. No `|| true`.
# bash tests/cli/ci_docs.sh PYSHIFT SOURCE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

docs=("$SRC/docs/ci/pyshift.yml" "$SRC"/docs/ci/*.md "$SRC/README.md" "$SRC/docs/output-formats.md")
if grep -n 'pyshift check.*|| *true' "${docs[@]}"; then fail no_or_true "a CI doc swallows the exit status"; else ok; fi

# The commands, one per line.
"$PY3" - "$SRC" >commands.txt <<'PY'
import re, sys
src = sys.argv[1]
cmds = []
yml = open(f"{src}/docs/ci/pyshift.yml").read()
targets = re.search(r'target: \[(.*?)\]', yml).group(1)
targets = [t.strip().strip('"') for t in targets.split(",")]
for line in yml.splitlines():
    m = re.match(r'\s*run: (pyshift check .*)', line)
    if m:
        for t in targets:
            cmds.append(m.group(1).replace("${{ matrix.target }}", t))
import glob
for md in sorted(glob.glob(f"{src}/docs/ci/*.md")) + [f"{src}/README.md", f"{src}/docs/output-formats.md"]:
    block = None
    for line in open(md):
        if line.startswith("```"):
            block = line[3:].strip() if block is None else None
        elif block == "sh" and line.startswith("pyshift check"):
            cmds.append(line.strip())
        elif block == "yaml":
            # a GitHub step (- run: ...) or a GitLab script line (- ...)
            m = re.match(r'\s*- (?:run: )?(pyshift check .*)', line)
            if m:
                cmds.append(m.group(1).strip())
seen = set()
print("\n".join(c for c in cmds if not (c in seen or seen.add(c))))
PY
n=$(wc -l <commands.txt)
[ "$n" -ge 5 ] && ok || fail commands_found "only $n commands found in the CI docs"

mkdir -p bin repo/src && ln -s "$PS" bin/pyshift
printf 'import imp\n' >repo/src/app.py
printf 'x = "\xff"\n' >repo/src/latin1.py
git -C repo init -q && git -C repo add . && git -C repo -c user.name=t -c user.email=t@e commit -qm x
i=0
sarifs=()
while IFS= read -r cmd; do
  i=$((i + 1))
  rm -f repo/*.sarif
  LAST_CMD="$cmd"
  (cd repo && PATH="$T/bin:$PATH" bash -c "$cmd") >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  sanitizer_check
  expect_rc "cmd$i.rc" 0
  sarif=$(printf '%s\n' "$cmd" | sed -n 's/.*--format sarif=\([^ ]*\).*/\1/p')
  if [ -n "$sarif" ]; then
    "$PY3" -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
assert "src/app.py" in uris, uris
assert run["invocations"][0]["toolExecutionNotifications"], "the undecodable file is not reported"' "repo/$sarif" \
      && ok || fail "cmd$i.sarif" "$cmd: repo/$sarif missing or wrong"
    cp "repo/$sarif" "doc$i.sarif" 2>/dev/null && sarifs+=("doc$i.sarif")
  fi
  # GitLab's reports: valid, with the finding, the undecodable file an error.
  gitlab=$(printf '%s\n' "$cmd" | sed -n 's/.*--format gitlab=\([^ ]*\).*/\1/p')
  if [ -n "$gitlab" ]; then
    LAST_CMD="gitlab_codequality_check.py repo/$gitlab"
    if "$PY3" "$SRC/tests/tools/gitlab_codequality_check.py" "repo/$gitlab" >"$OUT" 2>"$ERR" \
       && grep -q '"path": "src/app.py"' "repo/$gitlab"; then ok; else fail "cmd$i.gitlab" "$cmd: repo/$gitlab missing or wrong"; fi
  fi
  junit=$(printf '%s\n' "$cmd" | sed -n 's/.*--format junit=\([^ ]*\).*/\1/p')
  if [ -n "$junit" ]; then
    LAST_CMD="junit_check.py repo/$junit"
    if "$PY3" "$SRC/tests/tools/junit_check.py" "repo/$junit" >"$OUT" 2>"$ERR" \
       && grep -q 'name="src/app.py"' "repo/$junit" && grep -q '<error ' "repo/$junit"; then ok
    else fail "cmd$i.junit" "$cmd: repo/$junit missing or wrong"; fi
  fi
done <commands.txt
# docs/ci/gitlab.md's pipeline: YAML whose reports are the files its
# command writes.
LAST_CMD="docs/ci/gitlab.md yaml"
"$PY3" - "$SRC/docs/ci/gitlab.md" >"$OUT" 2>"$ERR" <<'PY' && ok || fail gitlab_ci_yaml "the .gitlab-ci.yml of docs/ci/gitlab.md is wrong"
import re, sys, yaml
text = open(sys.argv[1]).read()
block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
ci = yaml.safe_load(block)
job = ci["pyshift"]
cmd = [l for l in job["script"] if l.startswith("pyshift check")][0]
reports = job["artifacts"]["reports"]
assert f"--format gitlab={reports['codequality']}" in cmd, (cmd, reports)
assert f"--format junit={reports['junit']}" in cmd, (cmd, reports)
assert job["artifacts"]["when"] == "always", job["artifacts"]
assert job["stage"] in ci["stages"], ci["stages"]
assert "|| true" not in cmd and "--exit-zero" in cmd, cmd
PY
# What the docs upload passes the schema, GitHub's rules and the Multitool.
validate_sarif docs_sarif_valid "${sarifs[@]}"
finish
