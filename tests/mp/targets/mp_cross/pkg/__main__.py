# A package's __main__.py is not re-imported by the children.
from pkg.parallel import run_all

run_all([1])  # ok: MP003
