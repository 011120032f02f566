"""Where the deaths of the model's uses of force come from (issue 20): the disputes coded as
use of force or war (docs/model.md §3.13), split by what killed in them, at several shares
ℓ_f of strikes and slips that can kill (`force_lethality`).

Each use-of-force dispute falls in one row: an offensive was under way (offensives kill every
day they last, whatever ℓ_f), else battle deaths from strikes or slips (the only deaths ℓ_f
thins), else deaths in incidents only (clashes that killed, which ℓ and Cₘ govern, not ℓ_f),
else bloodless; the last column gives the bloodless ones that are a use of force only by a
clash that killed no one (docs/model.md §3.13). The runs are paired over ℓ_f (same seeds,
every stream the same draws), as `escalation ensemble SCENARIO --runs N --seed S` runs them:

    .venv/bin/python benchmarks/force_deaths.py docs/calibration/calibrated.toml \
        --runs 3000 --seed 1 --force-lethality 0 0.5 1
"""

import argparse

import numpy as np

from sim.experiments.runs import run_many
from sim.model.scenario import load_scenario
from sim.record.coding import code_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", help="a scenario name or TOML file")
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force-lethality", type=float, nargs="+", default=[0.0, 1.0])
    args = parser.parse_args()
    base = load_scenario(args.scenario)
    print(f"{base.name}, {args.runs:,} runs, seed {args.seed}; shares of use-of-force disputes")
    print("ℓ_f   | deathless | use of force | offensive | strike/slip deaths | incident deaths "
          "only | bloodless | deaths given use of force | bloodless by a clash only")  # fmt: skip
    for ell in args.force_lethality:
        spec = base.with_changes(world={"force_lethality": ell})
        runs = run_many(spec, args.runs, args.seed, chunk_size=500, twins=False)
        coded = code_runs(runs)
        keep = coded["dispute"].to_numpy()
        runs, coded = runs[keep], coded[keep]
        force = coded["hostility"].to_numpy() >= 4
        dead = coded["fatality"].to_numpy() > 0
        offensive = runs["n_attack"].to_numpy() > 0
        battle = runs.filter(like="_battle_deaths").sum(axis=1).to_numpy() > 0
        rows = [
            offensive,
            ~offensive & battle,
            ~offensive & ~battle & dead,
            ~dead,
        ]
        shares = [float((row & force).sum() / force.sum()) for row in rows]
        by_clash = ~dead & (coded["rung_level"].to_numpy() < 4) & force
        print(f"{ell:<5.3g} | {np.mean(~dead):9.1%} | {force.mean():12.1%} | "
              + " | ".join(f"{s:.1%}" for s in shares)
              + f" | {dead[force].mean():.1%} | {by_clash.sum() / force.sum():.1%}")  # fmt: skip


if __name__ == "__main__":
    main()
