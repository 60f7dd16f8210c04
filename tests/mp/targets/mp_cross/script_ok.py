# The same calls, only under the guard or inside functions.
from pkg.parallel import run_all


def main():
    return run_all([1])  # ok: MP003


if __name__ == "__main__":
    main()  # ok: MP003
