"""The lessons' command-line numbers: every figure that a lesson's "What to notice" and its
questions quote from the output of its commands is recomputed here by the same commands
(`escalation ensemble ... --runs 2000 --seed 1`, `escalation run ... --seed 89 --twin`) and
must appear in the lesson as the commands print it (the scenarios' settings a lesson names
are its scenario files'). The runs are exact (seed 1, runs 0 to 1,999), so there is no
tolerance: a change of the model that moves a number fails here until the lesson says the
new one. This file is the single source of truth for the lessons' numbers: after a change of
the rules or the defaults, run it, read each failing assertion's expected text, and write it
into the lesson.

Thirteen ensembles of 2,000 runs with their six twins each (shared across the lessons): the
strategic rule is several times slower per run than Model 2's, hence 2,000 runs, not 10,000.
"""

import functools
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.model.outcomes import Road

LESSONS = Path(__file__).resolve().parents[2] / "docs" / "lessons"
runner = CliRunner()
RUNS = 2_000
STORY = "89"  # Lesson 3's seed


def noticed(number: str) -> str:
    """The lesson's "What to notice" part (and its questions), whitespace squeezed."""
    path = next(LESSONS.glob(f"{number}-*.md"))
    text = path.read_text()
    part = text[text.index("**What to notice") : text.index("**Theory")]
    return " ".join(part.split())


def pct(share: float, digits: int = 2) -> str:
    return f"{100 * share:.{digits}f}%"


def span(low: float, high: float) -> str:
    """A Wilson interval as the lessons write it: (19.40% to 20.97%)."""
    return f"({pct(low)} to {pct(high)})"


def points(difference: float, sign: bool = True) -> str:
    """A risk difference in percentage points: +2.60."""
    return f"{100 * difference:+.2f}" if sign else f"{100 * difference:.2f}"


class Ensemble:
    """What `escalation ensemble` wrote: outcomes, attribution, roads and the runs."""

    def __init__(self, folder: Path):
        self.outcomes = pd.read_csv(folder / "outcomes.csv").set_index("quantity")
        self.attribution = pd.read_csv(folder / "attribution.csv").set_index("quantity")
        self.roads = pd.read_csv(folder / "roads.csv").set_index("road")
        self.runs = pd.read_parquet(folder / "runs.parquet")

    def share(self, outcome: str) -> str:
        """ "6.55% (5.55% to 7.72%)" for an outcome."""
        row = self.outcomes.loc[outcome]
        return f"{pct(row.share)} {span(row.low, row.high)}"

    def p(self, quantity: str = "P(escalation)") -> str:
        row = self.attribution.loc[quantity]
        return f"{pct(row.share)} {span(row.low, row.high)}"

    def rd(self, road: str) -> float:
        return self.roads.loc[road, "risk_difference"]

    def difference(self, road: str, sign: bool = True) -> str:
        """ "+2.60 (+2.29 to +2.91)": a road's risk difference with its paired interval."""
        row = self.roads.loc[road]
        d, low, high = (points(v, sign) for v in (row.risk_difference, row.rd_low, row.rd_high))
        return f"{d} ({low} to {high})"

    def caused(self, road: str) -> str:
        """ "45%": the share of the wars the road caused."""
        return pct(self.roads.loc[road].caused_share, 0)

    def wars(self) -> pd.DataFrame:
        wars = self.runs[self.runs.escalated]
        return wars[[f"caused_by_{r.label}" for r in Road]].rename(columns=lambda c: c[10:])


@pytest.fixture(scope="module")
def ensemble(shared):
    """`escalation ensemble SOURCE --runs 2000 --seed 1`, once per source in the whole test
    session (the lessons' tests may run in different workers: they share the folders)."""

    @functools.cache
    def result(source: str) -> Ensemble:
        if not source.isidentifier():  # a lesson's own scenario file
            source = str(LESSONS / "scenarios" / f"{source}.toml")

        def make(out: Path) -> None:
            command = ["ensemble", source, "--runs", str(RUNS), "--seed", "1", "--out", str(out)]
            done = runner.invoke(app, [*command, "--workers", "1"])
            assert done.exit_code == 0, done.output

        return Ensemble(shared.folder(f"lesson-ensemble-{Path(source).stem}", make))

    return result


def test_lesson_1_numbers(ensemble):
    text = noticed("1")
    none, few, shipped = ensemble("tripwire-0"), ensemble("tripwire-2000"), ensemble("reassurance")
    assert "(2,000 runs, seed 1)" in text
    limited = [e.share("limited war") for e in (none, few, shipped)]
    assert f"With no troops, {limited[0].split()[0]} of runs end in a limited war" in text
    assert f"(95% interval {limited[0].split(' (')[1][:-1]})" in text
    assert f"with 2,000 per guarantor, {limited[1]}; with 5,000, {limited[2]}" in text
    # "do not deter": with troops the limited war lies inside the no-troops interval.
    low, high = none.outcomes.loc["limited war", ["low", "high"]]
    assert all(low <= e.outcomes.loc["limited war", "share"] <= high for e in (few, shipped))
    assert "the troops do not deter the limited war" in text
    # "the deliberate offensive is there": the attacks twin's interval lies above zero, and
    # the attacks road is the largest, with troops or without.
    for e in (none, few, shipped):
        assert e.roads.loc["attacks", "rd_low"] > 0
        assert e.roads.caused_share.idxmax() == "attacks"
    changes = none.difference("attacks").replace(" (", " percentage points (")
    assert f"changes P(escalation) by {changes}" in text
    assert f"{none.caused('attacks')} of the wars had a deliberate attack" in text
    assert (
        f"With 2,000 troops the risk difference is {few.difference('attacks')}".replace(
            " (", " points ("
        )
        in text
    )
    assert f"with 5,000 it is {shipped.difference('attacks')}" in text
    assert f"caused {none.caused('warnings')} of the wars without troops" in text
    wider = none.outcomes.loc["wider war"]
    assert f"With no troops {int(wider['count'])} of 2,000 runs end in a wider war" in text
    assert f"({pct(wider.share)}, {span(wider.low, wider.high)[1:]}" in text
    assert f"with 2,000 per guarantor {few.share('wider war').replace(' (', ' do (')}" in text
    assert f"with 5,000, {shipped.share('wider war')}" in text
    shares = [e.outcomes.loc["wider war", "share"] for e in (none, few, shipped)]
    assert shares[0] <= min(shares[1:])  # "no rarer with troops"
    overall = [e.attribution.loc["P(escalation)", "share"] for e in (none, few, shipped)]
    low, high = none.attribution.loc["P(escalation)", ["low", "high"]]
    assert all(low <= share <= high for share in overall[1:])  # "barely moves"
    escalation = [pct(share) for share in overall]
    assert f"barely moves: {escalation[0]}, {escalation[1]} and {escalation[2]}" in text
    assert f"With no troops, {int(wider['count'])} runs still end in a wider war" in text


def test_lesson_2_numbers(ensemble):
    text = noticed("2")
    calm = ensemble("calm-1000"), ensemble("calm-8000")
    spiral = ensemble("spiral-1000"), ensemble("spiral-8000")
    few, many = spiral
    assert "(2,000 runs, seed 1)" in text
    for road in ("missteps", "misreading"):  # "more troops mean more war by accident"
        assert many.rd(road) > few.rd(road) and calm[1].rd(road) > calm[0].rd(road)
    assert f"adds {few.difference('missteps').split(' (')[0]} percentage points" in text
    assert f"(95% interval {few.difference('missteps').split(' (')[1]}" in text
    assert f"and {many.difference('missteps').replace(' (', ' points with 8,000 (')}" in text
    misreading = [points(e.rd("misreading")) for e in spiral]
    assert f"the misreading road, {misreading[0]} and {misreading[1]}" in text
    incidents = [f"{e.runs['n_misstep'].mean():.2f}" for e in spiral]
    assert f"({incidents[1]} a run with 8,000, against {incidents[0]} with 1,000)" in text
    assert f"misread more of them ({many.runs['n_misread'].mean():.2f} a run)" in text
    assert f"{many.caused('missteps')} of the wars with 8,000 troops needed a misstep" in text
    assert f"against {few.caused('missteps')} with 1,000" in text
    assert many.roads.caused_share.idxmax() == "attacks"  # "most wars need a deliberate attack"
    assert many.roads.loc["attacks", "caused_share"] > 0.5
    assert f"risk difference is {calm[0].difference('missteps')}".replace(" (", " points (") in text
    assert f"{calm[1].difference('missteps')} with 8,000" in text
    assert calm[1].rd("missteps") < many.rd("missteps")  # "less"
    assert calm[1].roads.loc["missteps", "rd_high"] > many.roads.loc["missteps", "rd_low"]
    assert f"calm actors misread {calm[1].runs['n_misread'].mean():.2f} incidents" in text
    for e in spiral:  # "the deliberate road is the largest"
        assert e.roads.loc["attacks", "rd_low"] > 0
        assert e.roads.caused_share.idxmax() == "attacks"
    assert spiral[1].rd("attacks") >= spiral[0].rd("attacks")  # "more troops do not shrink it"
    attacks = [points(e.rd("attacks")) for e in spiral]
    assert f"is {attacks[0]} points with 1,000 and {attacks[1]} with 8,000" in text
    escalation = [e.attribution.loc["P(escalation)", "share"] for e in spiral]
    assert escalation[1] > escalation[0]
    assert f"P(escalation) rises from {pct(escalation[0])} to {pct(escalation[1])}" in text
    calm_p = calm[0].attribution.loc["P(escalation)", "share"]
    low, high = few.attribution.loc["P(escalation)", ["low", "high"]]
    assert low <= calm_p <= high  # "fear itself barely changes the risk"
    assert (
        f"P(escalation) is {pct(calm_p)} among calm actors and {pct(escalation[0])} among "
        "fearful ones" in text
    )
    contained = [pct(e.outcomes.loc["crisis contained", "share"]) for e in spiral]
    assert f"{contained[1]} of runs end as a *crisis contained* with 8,000 troops" in text
    assert f"{contained[0]} with 1,000" in text


def test_lesson_3_story_and_numbers(ensemble, tmp_path):
    text = noticed("3")
    told = {}
    for scenario in ("reassurance", "hotline"):
        out = tmp_path / scenario
        done = runner.invoke(app, ["run", scenario, "--seed", STORY, "--twin", "--out", str(out)])
        assert done.exit_code == 0, done.output
        told[scenario] = " ".join(done.output.split())
        told[scenario + " result"] = json.loads((out / "result.json").read_text())
    story = told["reassurance"]
    assert f"seed {STORY}" in text
    # Each step of the story as the timeline tells it, and as the lesson retells it.
    for timeline, lesson in (
        (
            r"Day 2: The crisis between Russia and Ukraine climbs to rung 2",
            "After Ukraine's show of force (day 2)",
        ),
        (
            r"Day 30: The crisis between Russia and Ukraine eases to rung 0",
            "eases back to the ceasefire by day 30",
        ),
        (
            r"Day 145: A misstep: an incident between Russia and United Kingdom kills 8 of "
            r"Russia's people; Russia reads it as a deliberate attack by United Kingdom\.",
            "On day 145 an incident between Russian and British forces kills eight Russian "
            "soldiers, and Russia reads it as a deliberate attack by the United Kingdom",
        ),
        (r"Day 146: Russia reinforces and mobilises against United Kingdom", "Russia mobilises"),
        (
            r"Day 147: Russia harasses and probes United Kingdom's troops",
            "harasses the British troops on day 147",
        ),
        (r"Days 148-149: Russia strikes United Kingdom's troops", "strikes them on days 148, 149"),
        (r"Day 151: Russia strikes United Kingdom's troops", "149 and 151"),
        (r"Day 155: United Kingdom offers Russia de-escalation", "de-escalation on days 155 and"),
        (r"Day 161: United Kingdom offers Russia de-escalation", "155 and 161"),
        (
            r"Day 205: The crisis between Russia and United Kingdom eases to rung 0",
            "steps back down to the ceasefire by day 205",
        ),
        (
            r"Day 249: A misstep: an incident between Russia and France kills 3 of Russia's "
            r"people; Russia reads it as a deliberate attack by France\.",
            "On day 249 a second incident, between Russian and French forces, kills three "
            "Russian soldiers and is misread too, yet it brings no strike",
        ),
        (r"Missteps: 6, of which misread as deliberate: 4\.", "Four more incidents follow"),
        (r"Offensives launched: 0\.", "but launches no offensive"),
        (
            r"Outcome: crisis contained \(highest rung 4: strikes and combat\)",
            "Outcome: a *crisis contained*, 3 strikes",
        ),
        (
            r"Russia-United Kingdom: highest rung 4 \(strikes and combat\); 38 battle deaths",
            "38 battle deaths between Russia and the United Kingdom",
        ),
        (r"Russia-Ukraine: highest rung 2 \(shows of force\)", "Ukraine, the protégé, never"),
        (
            r"Twin without missteps \(no incidents\): ceasefire held",
            "Without missteps the same run ends with the **ceasefire held**",
        ),
        (
            r"Twin with every incident read correctly \(no misreading\): ceasefire held",
            "with every incident read correctly, too",
        ),
        (r"Twin without audience costs [^:]*: ceasefire held", "audience cost of backing down"),
        (r"Twin without the face of holding after harm: ceasefire held", "the face lost by"),
        (
            r"Twin without deliberate attacks [^:]*: crisis contained; suppressing deliberate "
            r"attacks did not change the outcome",
            "Without deliberate attacks or",
        ),
        (
            r"Twin without slips [^:]*: crisis contained; suppressing slips \(escalation nobody "
            r"chose\) did not change the outcome",
            "without slips it is the same *crisis contained*",
        ),
    ):
        assert re.search(timeline, story), timeline
        assert lesson in text, lesson
    missteps = [int(day) for day in re.findall(r"Day (\d+): A misstep", story)]
    assert min(missteps) == 145 and len([d for d in missteps if d > 249]) == 4
    assert "are at open war" not in story  # "no war"
    assert "strikes France" not in story  # "yet it brings no strike"
    result = told["reassurance result"]
    assert result["n_strike"] == 3 and result["first_harassment_day"] == 147
    changed = [line for line in re.findall(r"Twin [^.]*\.", story) if "changed the outcome" in line]
    assert len(changed) == 4 and "This crisis needed four roads at once" in text
    # "Make the guarantors conventional ... another story" (question 2).
    conventional = tmp_path / "conventional.toml"
    spec = (LESSONS.parents[1] / "experiments" / "reassurance.toml").read_text()
    head, _, tail = spec.partition('name = "France"')
    conventional.write_text(
        head + 'name = "France"' + tail.replace("nuclear_armed = true", "nuclear_armed = false")
    )
    done = runner.invoke(
        app, ["run", str(conventional), "--seed", STORY, "--out", str(tmp_path / "c")]
    )
    assert done.exit_code == 0, done.output
    other = " ".join(done.output.split())
    for timeline in (
        r"Day 149: Russia launches an offensive against United Kingdom's troops",
        r"Day 250: Russia launches an offensive against France's troops",
        r"Days 149-158: United Kingdom offers Russia de-escalation",
        r"Days 251-259: France offers Russia de-escalation",
        r"Outcome: crisis contained",
    ):
        assert re.search(timeline, other), timeline
    assert "are at open war" not in other
    assert (
        "offensives against British troops on day 149 and against French troops on day 250" in text
    )
    assert "yet each ends before it becomes a war: the guarantor offers a ceasefire at once" in text
    hotline = told["hotline"]
    assert re.search(
        r"Day 145: A misstep: an incident between Russia and United Kingdom kills 8 of Russia's "
        r"people; Russia reads it as a deliberate attack by United Kingdom\.",
        hotline,
    )
    assert "The first incident is misread all the same" in text
    assert "reads it as a deliberate" not in hotline.split("Day 249")[1]
    assert "The later incidents are all read correctly" in text
    assert re.search(r"Outcome: crisis contained", hotline)
    assert told["hotline result"]["n_strike"] == 3
    assert "it ends as a *crisis contained*, with 3 strikes, as without the hotline" in text

    shipped, hotline_runs = ensemble("reassurance"), ensemble("hotline")
    misstep = shipped.attribution.loc["P(escalation | misstep)"]
    assert f"{pct(misstep.of / RUNS, 1)} of runs see at least one incident" in text
    assert f"{int(misstep.of):,} of 2,000), and {pct(misstep.share)} of those escalate" in text
    roads = shipped.roads.loc["missteps"]
    assert f"Missteps caused {shipped.caused('missteps')} of the wars" in text
    wars = int(shipped.attribution.loc["P(escalation)", "count"])
    assert f"({int(roads.caused)} of {wars}; risk difference" in text
    assert f"risk difference {points(roads.risk_difference)} percentage points" in text
    assert f"95% interval {shipped.difference('missteps').split(' (')[1][:-1]}" in text
    assert (
        f"falls from {shipped.difference('misreading').replace(' (', ' points (')} to "
        f"{hotline_runs.difference('misreading')}" in text
    )
    assert (
        f"the missteps road's from {points(roads.risk_difference)} to "
        f"{hotline_runs.difference('missteps')}" in text
    )
    for road in ("missteps", "misreading"):  # "closes most of the inadvertent road"
        assert hotline_runs.rd(road) < shipped.rd(road) / 2
    assert f"falls only from {shipped.p()} to {hotline_runs.p()}" in text
    largest = hotline_runs.roads.caused_share.idxmax()
    assert largest == "attacks" and "most of the wars left need a deliberate attack" in text
    assert hotline_runs.roads.loc["attacks", "caused_share"] > 0.5
    quiet = [e.attribution.loc["P(escalation | no misstep)"] for e in (shipped, hotline_runs)]
    assert quiet[0]["count"] == quiet[1]["count"] and quiet[0].of == quiet[1].of
    assert f"is {int(quiet[0]['count'])} of {int(quiet[0].of)} runs in both ensembles" in text
    wars = shipped.wars()
    both = int((wars.missteps & wars.warnings).sum())
    assert f"(At seed 1: {both} of the {int(wars.missteps.sum())}.)" in text


def test_lesson_4_numbers(ensemble):
    text = noticed("4")
    levels = ["commitment-00", "reassurance", "commitment-06", "commitment-12"]
    runs = [ensemble(name) for name in levels]
    shares = [e.attribution.loc["P(escalation)", "share"] for e in runs]
    assert shares == sorted(shares)  # "end in war more often"
    escalation = [pct(share) for share in shares]
    assert f"rises from {escalation[0]} (c = 0) to " + ", ".join(escalation[1:3]) in text
    assert f"and {escalation[3]}; P(wider war)" in text
    wider = [pct(e.outcomes.loc["wider war", "share"]) for e in runs]
    assert f"from {wider[0]} to {wider[1]}, {wider[2]} and {wider[3]}" in text
    d, interval = runs[1].difference("warnings").split(" (")
    assert f"{d} percentage points at c = 0.3 (95% interval {interval}" in text
    assert f"{runs[2].difference('warnings')} at 0.6" in text
    assert f"{runs[3].difference('warnings')} at 1.2" in text
    assert f"{runs[1].difference('face')} at c = 0.3" in text
    assert f"{runs[2].difference('face')} at 0.6 and {runs[3].difference('face')} at 1.2" in text
    assert runs[1].rd("face") < runs[1].rd("warnings")  # "matters less at the default"
    for road in ("warnings", "face"):
        assert runs[0].rd(road) == 0
        said = runs[0].roads.loc[road, "by_construction"]  # the command says it in words
        assert "audience cost is 0" in said and "is the run" in said
    assert "both are zero by construction (the twin is the run)" in text
    assert (
        f"At c = 0.3, {runs[1].caused('warnings')} of the wars needed the warnings road and "
        f"{runs[1].caused('face')} the face road" in text
    )
    days = [e.runs["crisis_days"] for e in runs]
    medians = [d.median() for d in days]
    assert medians == sorted(medians)  # "the typical crisis lasts longer"
    medians = [f"{m:.0f}" for m in medians]
    assert (
        f"rises from {medians[0]} with no audience costs to {medians[1]} (c = 0.3), "
        f"{medians[2]} (c = 0.6) and {medians[3]} (c = 1.2)" in text
    )
    means = [f"{d.mean():.1f}" for d in days]
    assert days[0].mean() > days[1].mean()  # "the mean does not follow"
    assert (
        f"it is {means[0]} days at c = 0, {means[1]} at c = 0.3, {means[2]} at 0.6 and "
        f"{means[3]} at 1.2" in text
    )
    top = [f"{d.quantile(0.9):.0f}" for d in days]
    assert f"the 90th percentile {top[0]}, {top[1]}, {top[2]} and {top[3]} days" in text
    free = runs[0].runs
    assert f"{free['n_warning'].mean():.1f} public warnings and " in text
    assert f"{free['n_deescalation'].mean():.1f} offers of de-escalation" in text
    assert (
        f"at c = 0.3, {runs[1].runs['n_warning'].mean():.1f} and "
        f"{runs[1].runs['n_deescalation'].mean():.1f}" in text
    )
    long = free["crisis_days"] >= 300
    assert f"at c = 0, {pct(long.mean())} of runs spend 300 days or more in crisis" in text
    assert free[long].escalated.mean() > 0.5  # "most of those are wars that last"
    strikes = [f"{e.runs['n_strike'].mean():.1f}" for e in runs[:2]]
    assert f"strikes rise from {strikes[0]} a run to {strikes[1]}" in text
    attacks = [points(e.rd("attacks")) for e in runs]
    rds = [e.rd("attacks") for e in runs]
    assert rds == sorted(rds) and rds[0] > 0  # "the more, the higher the audience cost"
    assert f"is {attacks[0]} at c = 0, {attacks[1]} points at 0.3" in text
    assert f"{attacks[2]} at 0.6 and {attacks[3]} at 1.2" in text
    misstep = runs[3].attribution.loc["P(escalation | misstep)", "share"]
    assert 0.4 < misstep < 0.6 and f"misstep)*: {pct(misstep)})" in text  # "about half"
    assert f"At c = 1.2, {runs[3].caused('warnings')} of the wars needed the warnings" in text


def test_lesson_5_numbers(ensemble):
    text = noticed("5")
    baseline, shipped, korea = ensemble("baseline"), ensemble("reassurance"), ensemble("korea")
    p, interval = baseline.p().split(" (")
    assert f"P(escalation) is {p} (95% interval {interval}, no war widens" in text
    assert baseline.outcomes.loc["wider war", "count"] == 0
    attacks = baseline.roads.loc["attacks"]
    assert attacks.rd_low > 0  # "the deliberate road opens most wars"
    assert baseline.roads.caused_share.idxmax() == "attacks"
    assert baseline.roads.loc["attacks", "caused_share"] > 0.5
    changes = baseline.difference("attacks").replace(" (", " points (")
    assert f"changes P(escalation) by {changes}:" in text
    assert f"{baseline.caused('attacks')} of the wars had a deliberate attack" in text
    assert (
        f"The warnings road caused {baseline.caused('warnings')} of the wars and slips "
        f"{baseline.caused('slips')}; missteps caused {baseline.caused('missteps')}." in text
    )
    assert f"P(escalation) is {shipped.p()}:" in text
    caused = [shipped.caused(r.label) for r in Road]
    assert (
        f"{caused[2]} of the wars needed a deliberate attack, {caused[0]} a misstep, "
        f"{caused[1]} a misreading, {caused[3]} the warnings road, {caused[4]} the face road "
        f"and {caused[5]} a slip" in text
    )
    assert f"In the Korean tripwire, P(escalation) is {korea.p()}" in text
    assert (
        korea.roads.loc["missteps", "caused_share"] > baseline.roads.loc["missteps", "caused_share"]
    )
    assert f"{korea.caused('missteps')} of the wars needed a misstep" in text
    assert (
        f"(risk difference {korea.difference('missteps').replace(' (', ' points, ')[:-1]})" in text
    )
    assert (
        f"{korea.caused('misreading')} a misreading, {korea.caused('warnings')} the warnings "
        f"road, {korea.caused('face')} the face road, {korea.caused('slips')} a slip, and "
        f"{korea.caused('attacks')} a deliberate attack" in text
    )
    assert korea.roads.loc["attacks", "caused_share"] < 0.5  # "no road carries most wars"
    assert korea.roads.caused_share.max() < 0.5
    assert (
        f"(risk difference {korea.difference('attacks').replace(' (', ' points, ')[:-1]})" in text
    )
    total = shipped.wars().sum().sum() / len(shipped.wars())
    assert f"({pct(total, 0)} in reassurance)" in text
    wars = baseline.wars()
    two = int((wars.sum(axis=1) == 2).sum())
    assert f"{two:,} of the {len(wars):,} wars needed exactly two roads" in text
    both = int((wars.attacks & wars.warnings).sum())
    assert f"{both:,} needed both a deliberate attack *and* the warnings road" in text
    wars = korea.wars()
    inadvertent = wars.missteps | wars.misreading
    both = int((inadvertent & (wars.warnings | wars.face)).sum())
    assert f"in Korea, {both:,} of the {len(wars):,} wars needed both" in text
    wars = shipped.wars()
    none = int((wars.sum(axis=1) == 0).sum())
    assert f"({none} of {len(wars)} in reassurance)" in text
    assert f"yet the warnings road still caused {baseline.caused('warnings')} of its wars" in text
