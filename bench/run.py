"""`python -m bench.run`: the quick benchmarks of issue 7, one line each, then a summary.

    python -m bench.run                      # PostgreSQL (bench database made if missing)
    python -m bench.run --sqlite             # the same on SQLite (one province)
    python -m bench.run --only completeness save --reps 50

Each line: the figure, the floor measured in the same run, their ratio, the
target and PASS/FAIL. The exit status is 0 even when a target fails (the
figures are the product); it is 1 only when a benchmark crashed.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import traceback
from collections.abc import Callable

from bench import common

NAMES = ("completeness", "save", "pages", "export", "import")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite (var/bench.sqlite3)")
    parser.add_argument("--only", nargs="*", choices=NAMES, default=list(NAMES))
    parser.add_argument("--reps", type=int, default=100, help="repetitions per timed call")
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    common.ensure_data(args.sqlite)
    from django.db import connection

    from bench import api, exports, imports, pages

    runs: dict[str, Callable[[], list[common.Result]]] = {
        "completeness": lambda: api.completeness(args.reps),
        "save": lambda: [api.save(args.reps)],
        "pages": lambda: pages.run(args.reps),
        "export": lambda: [exports.run()],
        "import": lambda: [imports.run(args.import_rows)],
    }
    print(
        f"bench: {connection.vendor} {connection.settings_dict['NAME']}, "
        f"Python {platform.python_version()}, {platform.node()}",
        flush=True,
    )
    results: list[common.Result] = []
    crashed = False
    for name in args.only:
        try:
            for result in runs[name]():
                print(result.line(), flush=True)
                results.append(result)
        except Exception:
            crashed = True
            print(f"[CRASH] {name}", flush=True)
            traceback.print_exc()
    print(f"\n{len(results)} figures in {time.perf_counter() - started:,.0f} s:")
    for result in results:
        print("  " + result.line())
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
