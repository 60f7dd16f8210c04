# usage: bash compare.sh EXPECTED ACTUAL: diff, with how to update on failure.
if diff -u "$1" "$2"; then
  echo "$(basename "$1"): identical"
  exit 0
fi
echo
echo "golden output changed. If the change is intended, run"
echo "    tests/golden/update.sh build/pyshift"
echo "from the source directory and review and commit the diff."
exit 1
