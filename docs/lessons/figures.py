"""Draw the lessons' figures into docs/lessons/figures/.

Run the `escalation ensemble ... --out results/lessons/NAME` commands of the lessons first
(2,000 runs, seed 1 each), then, from the repository's root:

    .venv/bin/python docs/lessons/figures.py [RESULTS]   # RESULTS: default results/lessons

The run of Lesson 3 (seed 89, reassurance and hotline) is computed here with the Mesa model.
Illustrative parameters; a teaching model, not a forecast.
"""

import sys
from pathlib import Path

import pandas as pd

from sim.analysis.plots.style import OUTCOME_COLOURS, colour, plt
from sim.model.mesa_model import run_model
from sim.model.outcomes import Event, Road
from sim.model.scenario import load_scenario

HERE = Path(__file__).resolve().parent
FIGURES = HERE / "figures"
FOOTER = "Illustrative parameters; a teaching model, not a forecast. 2,000 runs each, seed 1."
SEED = 89  # the run of Lesson 3
ROADS = [road.label for road in Road]


def save(figure: plt.Figure, name: str, footer: str = FOOTER) -> None:
    figure.text(0.99, -0.01, footer, ha="right", va="top", fontsize=7, color="grey")
    figure.savefig(FIGURES / name, dpi=90, bbox_inches="tight", pad_inches=0.08)
    plt.close(figure)
    print("wrote", FIGURES / name)


def outcomes(results: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(results / name / "outcomes.csv").set_index("quantity")


def roads(results: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(results / name / "roads.csv").set_index("road")


def bars(ax, groups: dict[str, pd.DataFrame], rows: list[str], value: str, low: str, high: str):
    """Grouped bars: one group per row, one bar per entry of groups, with 95% intervals."""
    width = 0.8 / len(groups)
    for k, (label, frame) in enumerate(groups.items()):
        x = [i + (k - (len(groups) - 1) / 2) * width for i in range(len(rows))]
        y = 100 * frame.loc[rows, value]
        err = [y - 100 * frame.loc[rows, low], 100 * frame.loc[rows, high] - y]
        ax.bar(x, y, width, yerr=err, capsize=3, label=label, color=colour(k))
    ax.set_xticks(range(len(rows)), rows)
    ax.grid(axis="y", alpha=0.3)


def tripwire(results: Path) -> None:
    names = {
        "no troops": "tripwire-0",
        "2,000 per guarantor": "tripwire-2000",
        "5,000 per guarantor": "reassurance",
    }
    shares = {label: outcomes(results, name) for label, name in names.items()}
    figure, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    rows = ["crisis contained", "limited war", "wider war"]
    bars(ax, shares, rows, "share", "low", "high")
    ax.set_ylabel("share of runs (%)")
    ax.set_title("Reassurance with 0, 2,000 and 5,000 troops per guarantor")
    ax.legend(title="troops")
    save(figure, "tripwire_outcomes.png")


def provocation(results: Path) -> None:
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True, layout="constrained")
    for ax, (mood, threat) in zip(axes, [("calm", 0.3), ("spiral", 0.9)], strict=True):
        groups = {
            "1,000 troops per guarantor": roads(results, f"{mood}-1000"),
            "8,000 troops per guarantor": roads(results, f"{mood}-8000"),
        }
        bars(ax, groups, ROADS, "risk_difference", "rd_low", "rd_high")
        ax.set_title(f"every actor's threat perception {threat}", fontsize=10)
        ax.set_xlabel("road to war (suppressed in the twin)")
        ax.tick_params(axis="x", labelsize=8)
    axes[0].set_ylabel("risk difference, run − twin (points)")
    axes[1].legend(fontsize=8)
    figure.suptitle("What each road adds to P(escalation): few troops or many")
    save(figure, "provocation_roads.png")


def misstep() -> None:
    figure, axes = plt.subplots(3, 1, figsize=(8, 6.2), sharex=True, layout="constrained")
    dyads = ["Russia-United Kingdom", "Russia-Ukraine", "Russia-France"]
    for k, name in enumerate(["reassurance", "hotline"]):
        model = run_model(load_scenario(name), seed=SEED)
        rungs = model.dyad_trajectory().pivot(index="day", columns="dyad", values="rung")
        misread = [
            e.day for e in model.events if e.kind == Event.MISSTEP and e.details.get("misread")
        ]
        for ax, dyad in zip(axes, dyads, strict=True):
            label = f"{name} (hotline quality {model.spec.world.hotline_quality})"
            ax.step(rungs.index, rungs[dyad], where="post", color=colour(k), label=label)
            ax.set_title(dyad, loc="left", fontsize=10)
        for day in misread:
            for ax in axes:
                ax.axvline(day, color=colour(k), linestyle=":", linewidth=1)
    for ax in axes:
        ax.set_yticks(
            range(7),
            [
                "0 ceasefire",
                "1 warning",
                "2 show",
                "3 harass",
                "4 strikes",
                "5 open war",
                "6 nuclear",
            ],
            fontsize=8,
        )
        ax.set_ylim(-0.3, 6.3)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8, loc="center right")
    axes[-1].set_xlabel("day (dotted: an incident misread as a deliberate attack)")
    figure.suptitle(f"Seed {SEED}: the same incidents, with a poor and a good hotline")
    save(figure, "misstep_run.png", "Illustrative parameters; a teaching model, not a forecast.")


def commitment(results: Path) -> None:
    costs = {
        "0": "commitment-00",
        "0.3": "reassurance",
        "0.6": "commitment-06",
        "1.2": "commitment-12",
    }
    days, esc = [], []
    channels = {"warnings": ([], [], []), "face": ([], [], [])}
    for name in costs.values():
        runs = pd.read_parquet(results / name / "runs.parquet", columns=["crisis_days"])
        days.append(runs["crisis_days"].mean())
        table = roads(results, name)
        esc.append(100 * table.loc["warnings", "p_escalation"])
        for road, (rd, low, high) in channels.items():
            rd.append(100 * table.loc[road, "risk_difference"])
            low.append(100 * table.loc[road, "rd_low"])
            high.append(100 * table.loc[road, "rd_high"])
    x = list(costs)
    figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained")
    left.bar(x, days, color=colour(0))
    left.set_ylabel("mean days in crisis (rung 2 or above)")
    left.set_xlabel("audience cost of every actor")
    right.plot(x, esc, "o-", color=OUTCOME_COLOURS["wider war"], label="P(escalation)")
    for k, (road, (rd, low, high)) in enumerate(channels.items()):
        err = [
            [r - lo for r, lo in zip(rd, low, strict=True)],
            [hi - r for r, hi in zip(rd, high, strict=True)],
        ]
        right.errorbar(
            x,
            rd,
            yerr=err,
            fmt="s--",
            capsize=3,
            color=colour(k + 1),
            label=f"risk difference, {road} road",
        )
    right.set_ylabel("percentage points")
    right.set_xlabel("audience cost of every actor")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.grid(axis="y", alpha=0.3)
    figure.suptitle("Reassurance with audience costs 0 to 1.2")
    save(figure, "commitment_trap.png")


def three_roads(results: Path) -> None:
    names = {"baseline": "baseline", "reassurance": "reassurance", "korea": "korea"}
    groups = {}
    for label, name in names.items():
        p = outcomes(results, name)
        escalated = p.loc[["limited war", "wider war", "nuclear use"], "share"].sum()
        groups[f"{label} (P(escalation) {100 * escalated:.1f}%)"] = roads(results, name)
    figure, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    bars(ax, groups, ROADS, "caused_share", "caused_low", "caused_high")
    ax.set_ylabel("share of escalations caused (%)")
    ax.set_xlabel("road to war (suppressed in the twin)")
    ax.set_ylim(0, 100)
    ax.set_title("Which roads lead to war? (shares add up to more than 100%)")
    ax.legend(fontsize=8)
    save(figure, "three_roads.png")


def main() -> None:
    results = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("results/lessons")
    FIGURES.mkdir(exist_ok=True)
    tripwire(results)
    provocation(results)
    misstep()
    commitment(results)
    three_roads(results)


if __name__ == "__main__":
    main()
