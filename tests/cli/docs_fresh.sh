# cli.docs_fresh: docs/rules/ is what `pyshift rules --markdown` generates from
# the rule files, and `pyshift rules --check` passes.
# Usage: bash docs_fresh.sh PYSHIFT SOURCE_DIR
. "$(dirname "$0")/lib.sh"

run rules --markdown "$T/rules-md"
expect_rc markdown.rc 0
expect_err_empty markdown.stderr
if [ ! -d "$SRC/docs/rules" ]; then
  fail docs_fresh "docs/rules/ is missing: run \`build/pyshift rules --markdown docs/rules\` and commit it"
elif diff -ru "$SRC/docs/rules" "$T/rules-md" >"$T/docs.diff"; then
  ok
else
  sed -n '1,60p' "$T/docs.diff"
  fail docs_fresh "docs/rules/ is stale: run \`build/pyshift rules --markdown docs/rules\` and commit the result"
fi
n_rules=$(find "$SRC/rules" -name '*.rule' | wc -l)
n_pages=$(find "$T/rules-md" -name '*.md' ! -name README.md | wc -l)
expect_eq markdown.one_page_per_rule "$n_pages" "$n_rules"

run rules --check
expect_rc rules_check.rc 0
expect_err_empty rules_check.stderr
expect_out rules_check.summary 'rules checked'

finish
