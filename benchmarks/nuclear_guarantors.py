"""Do nuclear-armed guarantors deter differently from conventional ones? (issue 19)

For reassurance and korea: P(war) by outcome, nuclear use and the share of war runs whose war
ended, with the guarantors nuclear-armed (the scenario) and conventional (`nuclear_armed`
off for the guarantors only), and with the challenger conventional; then the paired
difference nuclear − conventional guarantors, run by run over the same seeds (common random
numbers; Agresti's interval for paired proportions). With --sensitivity the same at the two
coefficients no data pin, s_N (`nuclear_slip`) ×0.5 and ×2 and ν (`nuclear_slip_factor`) at
its lower bound 1 (×0.67: ×0.5 is out of its range) and ×2. The runs are those of
`escalation ensemble NAME --runs N --seed S` (twins are not needed here, so not run):

    .venv/bin/python benchmarks/nuclear_guarantors.py --runs 2000 --seed 1 [--sensitivity]
"""

import argparse
import time

import numpy as np

from sim.analysis.summaries import paired_difference
from sim.experiments.runs import run_many
from sim.model.outcomes import WAR_OUTCOMES
from sim.model.scenario import Scenario, load_scenario

ARMS = {  # label: (guarantors armed, challenger armed)
    "nuclear guarantors": (True, True),
    "conventional guarantors": (False, True),
    "conventional challenger": (True, False),
    "no one armed": (False, False),
}
PAIRS = (
    ("nuclear guarantors", "conventional guarantors"),
    ("conventional challenger", "nuclear guarantors"),
)


def armed(spec: Scenario, guarantors: bool, challenger: bool) -> Scenario:
    """The scenario with the guarantors' and the challenger's `nuclear_armed` set."""
    arms = {"guarantor": guarantors, "challenger": challenger}
    actors = [
        a.model_copy(update={"nuclear_armed": arms[a.role]}) if a.role in arms else a
        for a in spec.actors
    ]
    return spec.model_copy(update={"actors": actors})


def worlds(spec: Scenario, sensitivity: bool) -> dict[str, dict[str, float]]:
    """The world changes to run: the defaults, or the unpinned coefficients varied."""
    if not sensitivity:
        return {"defaults": {}}
    s_n, nu = spec.world.nuclear_slip, spec.world.nuclear_slip_factor
    return {
        "s_N x0.5": {"nuclear_slip": s_n * 0.5},
        "s_N x2": {"nuclear_slip": s_n * 2.0},
        "nu = 1 (its bound)": {"nuclear_slip_factor": 1.0},
        "nu x2": {"nuclear_slip_factor": nu * 2.0},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", nargs="+", default=["reassurance", "korea"])
    parser.add_argument("--sensitivity", action="store_true")
    args = parser.parse_args()
    for name in args.scenarios:
        base = load_scenario(name)
        for world, change in worlds(base, args.sensitivity).items():
            wars: dict[str, np.ndarray] = {}
            for label, (guarantors, challenger) in ARMS.items():
                if args.sensitivity and label not in PAIRS[0]:
                    continue
                spec = armed(base, guarantors, challenger).with_changes(world=change)
                start = time.process_time()
                table = run_many(spec, args.runs, args.seed, twins=False, chunk_size=args.runs)
                cpu = time.process_time() - start
                outcome = table["outcome"]
                war = outcome.isin(WAR_OUTCOMES).to_numpy()
                ended = (table.filter(like="war_end_day") >= 0).any(axis=1).to_numpy() & war
                wars[label], wars[label + ", wider war"] = war, (outcome == "wider war").to_numpy()
                shares = "  ".join(f"{o} {100 * (outcome == o).mean():5.2f}%" for o in WAR_OUTCOMES)
                print(
                    f"{name} | {world} | {label:24s} | P(war) {100 * war.mean():5.2f}%  {shares}"
                    f"  | wars ended {ended.sum()} of {war.sum()}  ({cpu:.1f} s CPU)",
                    flush=True,
                )
            for one, other in PAIRS:
                for suffix in ("", ", wider war"):
                    if one + suffix not in wars or other + suffix not in wars:
                        continue
                    a, b = wars[one + suffix], wars[other + suffix]
                    d, low, high = paired_difference(
                        int((a & ~b).sum()), int((~a & b).sum()), len(a)
                    )
                    print(
                        f"    {name} | {world} | P(war{suffix}): {one} − {other}: "
                        f"{100 * d:+.2f} points (95% {100 * low:+.2f} to {100 * high:+.2f})"
                    )


if __name__ == "__main__":
    main()
