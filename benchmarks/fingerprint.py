"""Fingerprints of the runs tables: a check that a speed-up changed no result.

For each shipped scenario, the SHA-256 of the per-run table (runs and twins) of N runs under
one seed, hashed row by row with pandas.util.hash_pandas_object, the table
`escalation ensemble S --runs N --seed 7 --workers 1` writes. Tables are computed in chunks
of two sizes, which must agree. Record before a change, check after:

    .venv/bin/python benchmarks/fingerprint.py --save benchmarks/fingerprints.json
    .venv/bin/python benchmarks/fingerprint.py --check benchmarks/fingerprints.json
"""

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import pandas as pd

from sim.experiments.runs import run_many
from sim.model.scenario import load_scenario

SCENARIOS = ("baseline", "reassurance", "hotline", "hardline", "korea")


def fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 of the table's row hashes (index, values and column order)."""
    rows = pd.util.hash_pandas_object(table, index=True).to_numpy()
    columns = ",".join(f"{c}:{t}" for c, t in table.dtypes.items()).encode()
    return hashlib.sha256(columns + rows.tobytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--save", type=Path, help="write the fingerprints to this JSON file")
    parser.add_argument("--check", type=Path, help="compare with the fingerprints in this file")
    args = parser.parse_args()
    prints = {}
    for name in args.scenarios:
        spec = load_scenario(name)
        start = time.process_time()
        whole = run_many(spec, args.runs, args.seed, chunk_size=args.runs)
        cpu = time.process_time() - start
        pieces = run_many(spec, args.runs, args.seed, chunk_size=args.runs // 3 + 1)
        one, other = fingerprint(whole), fingerprint(pieces)
        if one != other:
            print(f"{name}: chunking changed the table ({one[:16]} vs {other[:16]})")
            return 1
        prints[f"{name} runs={args.runs} seed={args.seed}"] = one
        print(f"{name:12s} {one}  ({cpu:.2f} s CPU, first pass)")
    if args.save:
        args.save.write_text(json.dumps(prints, indent=2) + "\n")
    if args.check:
        expected = json.loads(args.check.read_text())
        wrong = [k for k, v in prints.items() if expected.get(k) != v]
        if wrong:
            print(f"DIFFERENT: {', '.join(wrong)}")
            return 1
        print("identical to", args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
