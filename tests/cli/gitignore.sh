# cli.gitignore: what gets walked: .gitignore in a git work tree, default
# excludes, --exclude/--extend-exclude/--force-exclude, and first-party
# modules that shadow removed standard-library ones.
# Usage: bash gitignore.sh PYSHIFT SOURCE_DIR
. "$(dirname "$0")/lib.sh"

if ! command -v git >/dev/null; then
  echo "SKIP: git not installed"
  echo "0 passed, 0 failed"
  exit 0
fi

# scanned NAME ARGS...: the sorted list of files with findings, one line.
scanned() {
  run check -q "$@"
  grep -oE '^[^:]+' "$OUT" | sort -u | tr '\n' ' '
}

mkdir repo
cd repo || exit 2
git init -q .
# ignored.py has no slash: it matches at any depth (sub/ignored.py too).
printf 'ignored.py\ngen/\n*.gen.py\n!keep.gen.py\n' >.gitignore
for f in a.py ignored.py x.gen.py keep.gen.py gen/g.py sub/s.py sub/ignored.py \
  .venv/v.py node_modules/n.py __pycache__/c.py build/b.py env1/e.py dist/d.py; do
  mkdir -p "$(dirname "$f")"
  printf 'import imp\n' >"$f"
done
touch env1/pyvenv.cfg
printf 'local.py\n' >sub/.gitignore
printf 'import imp\n' >sub/local.py
mkdir -p .git/info && printf 'info_excluded.py\n' >>.git/info/exclude
printf 'import imp\n' >info_excluded.py

expect_eq gitignore.default "$(scanned .)" "a.py keep.gen.py sub/s.py "
run check -q .
expect_rc gitignore.default.rc 1
expect_eq gitignore.subdir "$(scanned sub)" "sub/s.py "
expect_eq gitignore.no_respect "$(scanned --no-respect-gitignore .)" \
  "a.py gen/g.py ignored.py info_excluded.py keep.gen.py sub/ignored.py sub/local.py sub/s.py x.gen.py "
# A named path is scanned even if git ignores it (unless --force-exclude).
expect_eq gitignore.named_file "$(scanned ignored.py gen)" "gen/g.py ignored.py "
expect_eq gitignore.named_force_exclude "$(scanned --force-exclude ignored.py a.py)" "a.py "

# Default excludes: skipped while recursing, walked when named.
expect_eq default_excludes.named "$(scanned .venv node_modules __pycache__ build env1 dist)" \
  ".venv/v.py __pycache__/c.py build/b.py dist/d.py env1/e.py node_modules/n.py "
expect_eq default_excludes.force_exclude "$(scanned --force-exclude .venv/v.py a.py)" "a.py "

# --exclude replaces the default list, --extend-exclude adds to it.
expect_eq exclude.replaces_defaults "$(scanned --exclude sub .)" \
  ".venv/v.py __pycache__/c.py a.py build/b.py dist/d.py env1/e.py keep.gen.py node_modules/n.py "
expect_eq extend_exclude "$(scanned --extend-exclude sub .)" "a.py keep.gen.py "
expect_eq extend_exclude.glob "$(scanned --extend-exclude 'sub/s*.py,*.gen.py' .)" "a.py "
expect_eq extend_exclude.repeated "$(scanned --extend-exclude a.py --extend-exclude sub .)" "keep.gen.py "
run check --extend-exclude '[a' .
expect_rc exclude.bad_glob.rc 2
cd "$T" || exit 2

# Outside a git work tree .gitignore means nothing.
mkdir plain
printf 'ignored.py\n' >plain/.gitignore
printf 'import imp\n' >plain/ignored.py
expect_eq no_repo.gitignore_unused "$(scanned plain)" "plain/ignored.py "

# ---- first-party modules shadow removed stdlib ones -------------------------
mkdir -p fp/own_cgi fp/no_cgi fp/own_imp/imp fp/nested/pkg
printf 'import cgi\n' >fp/own_cgi/app.py
printf 'VALUE = 1\n' >fp/own_cgi/cgi.py
printf 'import cgi\n' >fp/no_cgi/app.py
printf 'import imp\nfrom imp import thing\n' >fp/own_imp/app.py
: >fp/own_imp/imp/__init__.py
: >fp/nested/pkg/__init__.py
: >fp/nested/pkg/cgi.py
printf 'import cgi\n' >fp/nested/pkg/app.py

run check fp/own_cgi
expect_rc first_party_module.rc 0
expect_no_out first_party_module.none 'RM001'
run check fp/no_cgi
expect_rc no_first_party.rc 1
expect_out no_first_party.found 'fp/no_cgi/app.py:1:8: RM001 `cgi`'
(cd fp/own_cgi && "$PS" check -q . >"$OUT" 2>"$ERR")
RC=$?
expect_rc first_party_module_cwd.rc 0
run check fp/own_imp
expect_rc first_party_package.rc 0
expect_no_out first_party_package.none 'RM001'
# pkg/cgi.py is pkg.cgi: a plain `import cgi` inside pkg is still the stdlib's.
run check fp/nested
expect_rc submodule_does_not_shadow.rc 1
expect_out submodule_does_not_shadow.found 'fp/nested/pkg/app.py:1:8: RM001 `cgi`'

finish
