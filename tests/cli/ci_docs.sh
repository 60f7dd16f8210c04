# The CI docs' commands are real (issue 13): every `pyshift check` command of
# docs/ci/pyshift.yml (for each target of its matrix), of the sh blocks of
# docs/ci/*.md and of the `- run:` workflow steps of README.md and
# docs/output-formats.md runs in a scratch git repository with a finding and
# an undecodable file, exits 0 and writes the SARIF it names (valid JSON
# with the finding, URIs relative to the repository's top, passing
# sarif_validate.py with the SARIF Multitool). No `|| true`.
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
for md in sorted(glob.glob(f"{src}/docs/ci/*.md")):
    block = None
    for line in open(md):
        if line.startswith("```"):
            block = line[3:].strip() if block is None else None
        elif block == "sh" and line.startswith("pyshift check"):
            cmds.append(line.strip())
for md in (f"{src}/README.md", f"{src}/docs/output-formats.md"):
    for line in open(md):
        m = re.match(r'\s*- run: (pyshift check .*)', line)
        if m:
            cmds.append(m.group(1).strip())
print("\n".join(cmds))
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
done <commands.txt
# What the docs upload passes the schema, GitHub's rules and the Multitool.
validate_sarif docs_sarif_valid "${sarifs[@]}"
finish
