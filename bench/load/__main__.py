from __future__ import annotations

import argparse
import sys

from . import __doc__ as DOC
from .run import report, run_load

RUNS = (("worker kill", [("worker", 0.5)]), ("full restart", [("server", 0.5)]))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=DOC.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=12)
    args = parser.parse_args()
    ok = True
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        for name, faults in RUNS:
            result = run_load(kind, args.requests, args.clients, faults, label=f"{kind} · {name}")
            print(report(result), flush=True)
            ok = ok and result.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
