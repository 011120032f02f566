"""The answers over the shipped calibration's posterior (docs/calibration/answers/): each was
written by `escalation question ... --posterior docs/calibration/posterior.parquet` or
`escalation ensemble ... --posterior ... --roads`, and the docs quote them.

A whole answer is 160,000 runs or more (the roads seven times that): too many for the suite.
So each answer's first posterior draw is recomputed here, run for run, and must give the
counts its draws.csv holds (a change of the rules that moves it fails here: then run the
command in the answer's README line again and update the docs' numbers); and every number
the docs quote from an answer must be the one its file holds, as formatted here.
"""

import functools
import json
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.answers import hits
from sim.experiments.question import QUESTIONS_DIR, load_question
from sim.experiments.runs import Chunk, simulate_chunk
from sim.model.scenario import parse_scenario
from sim.record.calibrated import read_posterior
from sim.record.posterior import question_points

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "docs" / "calibration" / "answers"
POSTERIOR = ROOT / "docs" / "calibration" / "posterior.parquet"
QUESTION_FILES = [*QUESTIONS_DIR.glob("*.toml"), *(ROOT / "docs/lessons/questions").glob("*.toml")]
QUESTIONS = sorted(p.name for p in ANSWERS.iterdir() if (p / "draws.csv").exists())


def question_file(name: str) -> Path:
    """The shipped question file whose name is `name`."""
    [path] = [p for p in QUESTION_FILES if f'name = "{name}"' in p.read_text()]
    return path


def test_every_shipped_question_has_its_answer_over_the_posterior():
    names = {load_question(p)[0].name for p in QUESTION_FILES}
    assert set(QUESTIONS) == names


@pytest.mark.parametrize("name", QUESTIONS)
def test_an_answers_first_draw_is_what_the_model_gives_now(name):
    spec, base, _ = load_question(question_file(name))
    summary = json.loads((ANSWERS / name / "answer.json").read_text())["posterior"]
    table = read_posterior(POSTERIOR, base)
    rows, scenarios = question_points(
        spec.lever, spec.settings, base, table, summary["runs"], spec.seed
    )
    draws = pd.read_csv(ANSWERS / name / "draws.csv").set_index("row")
    assert len(draws) == summary["draws"]
    found = []
    for row, scenario in zip(rows[:2], scenarios[:2], strict=True):  # draw 0, both settings
        content = scenario.model_dump_json(exclude={"name", "description"})
        table = runs_of(content, spec.seed, row["first_run"], row["last_run"], spec.twins)
        found.append(int(hits(table, spec.outcome).sum()))
    assert found == [draws.loc[0, "hits_from"], draws.loc[0, "hits_to"]]


@functools.cache
def runs_of(content: str, seed: int, first: int, last: int, twins: bool) -> pd.DataFrame:
    """The runs of a scenario (its content: names change no run), computed once: the article's
    two questions and Lesson 1's run the same scenarios and differ only in their outcome."""
    scenario = parse_scenario(json.loads(content) | {"name": "x"})
    return simulate_chunk(Chunk(scenario, seed, first, last, twins=twins))


# Each answer and the docs that quote it in a part headed "**Over the calibrated posterior".
QUOTED = {
    "lesson-tripwire": "docs/lessons/1-tripwire.md",
    "lesson-spiral": "docs/lessons/2-protection-or-provocation.md",
    "lesson-commitment": "docs/lessons/4-commitment-trap.md",
    "troops_war": "docs/calibration/README.md",
    "troops_wider_war": "docs/calibration/README.md",
}


def quoted_part(doc: str, name: str) -> str:
    """The part of a doc that quotes an answer: from its heading to the next part's, with
    whitespace squeezed; the heading names the answer's file."""
    text = (ROOT / doc).read_text()
    link = f"answers/{name}/answer.md"
    start = text.rindex("**Over the calibrated posterior", 0, text.index(link))
    end = text.find("\n**", text.index(link))
    return " ".join(text[start : end if end > 0 else None].split())


def pct(share: float) -> str:
    return f"{100 * share:.2f}%"


def pts(difference: float) -> str:
    return f"{100 * difference:+.2f}"


def quoted_numbers(summary: dict) -> list[str]:
    """What a doc must say of an answer over the posterior, as the docs write it."""
    p, m = summary["posterior"], summary["posterior"]["medians"]
    (d, d_low, d_high), est = p["between_draws"], p["by_estimate"]
    own = p["on_their_own"]
    verdict = p["verdict"].split(":")[0].split(" (")[0].split(",")[0]
    return [
        *(f"{pct(p[s][0])}" for s in ("p_from", "p_to")),
        *(f"{pct(p[s][1])} to {pct(p[s][2])}" for s in ("p_from", "p_to")),
        f"{pts(d)} points on average (95% confidence interval of the mean over the draws "
        f"{pts(d_low)} to {pts(d_high)})",
        "differences range from {} to {}".format(*map(pts, p["draws_difference_range"])),
        f"falls in {est['falls']}, rises in {est['rises']} and does not change in "
        f"{est['stays']} of {p['draws']} draws",
        f"on their own, {own['falls']} fall and {own['rises']} rise beyond chance",
        f"at the posterior medians it is {pts(m['difference'])} ({pts(m['difference_low'])} "
        f"to {pts(m['difference_high'])})",
        f"**{verdict[0].upper()}{verdict[1:]}",
    ]


@pytest.mark.parametrize("name", sorted(QUOTED))
def test_the_docs_quote_each_answer_as_its_file_holds_it(name):
    summary = json.loads((ANSWERS / name / "answer.json").read_text())
    part = quoted_part(QUOTED[name], name)
    missing = [number for number in quoted_numbers(summary) if number not in part]
    assert not missing, f"{QUOTED[name]} should say, of {name}: {missing}"
    command = f"escalation question {question_file(name).relative_to(ROOT)}"
    if name.startswith("troops"):
        command = f"escalation question {name}"
    assert command in part and "--posterior docs/calibration/posterior.parquet" in part


def test_lesson_1_quotes_the_medians_as_they_are():
    medians = json.loads((ANSWERS / "lesson-tripwire" / "answer.json").read_text())
    part = quoted_part(QUOTED["lesson-tripwire"], "lesson-tripwire")
    assert (
        f"{100 * medians['posterior']['medians']['p_from']:.1f}% at the posterior medians" in part
    )


ROADS = ANSWERS / "roads"
SCENARIOS = ("baseline", "reassurance", "hotline", "hardline", "korea")


def roads_row(scenario: str) -> str:
    """A scenario's row of the README's table over the posterior, from the files
    `escalation ensemble SCENARIO --posterior ... --roads --runs 40000 --seed 1` wrote."""
    outcomes = pd.read_csv(ROADS / scenario / "posterior_outcomes.csv").set_index("quantity")
    roads = pd.read_csv(ROADS / scenario / "posterior_roads.csv").set_index("road")
    cells = [
        f"{pct(row.posterior)} ({pct(row.posterior_low)}–{pct(row.posterior_high)})"
        for row in (
            outcomes.loc[q] for q in ("escalated", "limited war", "wider war", "nuclear use")
        )
    ]
    shares = " · ".join(f"{share:.0%}" for share in roads["caused_share"])
    attacks = roads.loc["attacks"]
    return (
        f"| {scenario} | {' | '.join(cells)} | {shares} | {attacks.share_low:.0%}–"
        f"{attacks.share_high:.0%} |"
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_readmes_roads_over_the_posterior_are_the_files(scenario):
    assert roads_row(scenario) in (ROOT / "README.md").read_text()


def test_lesson_5_quotes_the_roads_over_the_posterior_as_the_files_hold_them():
    text = " ".join((ROOT / "docs/lessons/5-three-roads.md").read_text().split())
    part = text[text.index("**Over the calibrated posterior") : text.index("**Questions.**")]
    shares = {s: pd.read_csv(ROADS / s / "posterior_roads.csv").set_index("road")
              for s in ("baseline", "reassurance", "korea")}  # fmt: skip
    road = {r: [f"{shares[s].loc[r, 'caused_share']:.0%}" for s in shares]
            for r in ("attacks", "missteps", "warnings")}  # fmt: skip
    assert "caused {} of the wars in the baseline, {} in reassurance and {} in Korea".format(
        *road["attacks"]) in part  # fmt: skip
    assert "missteps caused {}, {} and {}, and the warnings road {}, {} and {}".format(
        *road["missteps"], *road["warnings"]) in part  # fmt: skip
    for scenario in shares:
        row = pd.read_csv(ROADS / scenario / "posterior_outcomes.csv").set_index("quantity")
        p = row.loc["escalated"]
        assert f"{pct(p.posterior)} in" in part
        assert (
            f"(posterior interval {pct(p.posterior_low)} to {pct(p.posterior_high)})" in part
            or (f"({pct(p.posterior_low)} to {pct(p.posterior_high)})" in part)
        )
    korea = shares["korea"].loc["attacks"]
    assert f"{int(korea.draws_with_wars)} of 40 draws have ten wars or more" in part
    assert f"share ranges from {korea.share_low:.0%} to {korea.share_high:.0%} over the draws" in (
        part
    )


def test_lesson_3_quotes_the_hotlines_roads_over_the_posterior_as_the_files_hold_them():
    text = " ".join((ROOT / "docs/lessons/3-misstep.md").read_text().split())
    part = text[text.index("**Over the calibrated posterior") : text.index("**Questions.**")]
    roads = {s: pd.read_csv(ROADS / s / "posterior_roads.csv").set_index("road")
             for s in ("reassurance", "hotline")}  # fmt: skip
    caused = {r: [f"{roads[s].loc[r, 'caused_share']:.0%}" for s in roads]
              for r in ("missteps", "misreading")}  # fmt: skip
    assert "Missteps caused {} of the wars in reassurance and {} with the good hotline".format(
        *caused["missteps"]) in part  # fmt: skip
    assert "misreadings {} and {};".format(*caused["misreading"]) in part
    for scenario in roads:
        row = roads[scenario].loc["misreading"]
        assert (
            f"{pts(row.risk_difference)} points ({pts(row.rd_draws_low)} to "
            f"{pts(row.rd_draws_high)})" in part.replace("(its range over the draws ", "(")
        )
        p = pd.read_csv(ROADS / scenario / "posterior_outcomes.csv").set_index("quantity")
        p = p.loc["escalated"]
        assert f"{pct(p.posterior)} (" in part
        assert f"{pct(p.posterior_low)} to {pct(p.posterior_high)})" in part


def test_the_readme_and_the_write_up_quote_the_troops_answers_as_the_files_hold_them():
    war = json.loads((ANSWERS / "troops_war" / "answer.json").read_text())["posterior"]
    wider = json.loads((ANSWERS / "troops_wider_war" / "answer.json").read_text())["posterior"]
    readme = " ".join((ROOT / "README.md").read_text().split())

    def span(p: list[float]) -> str:
        """A P with its posterior interval as the README writes it: 13.49% (0.10–36.15%)."""
        return f"{100 * p[0]:.2f}% ({100 * p[1]:.2f}–{100 * p[2]:.2f}%"

    d, low, high = (100 * x for x in war["between_draws"])
    assert f"no troops give {span(war['p_from'])})" in readme
    lower = (
        f"lower P(war) by {-d:.2f} points on average (95% confidence interval of the mean over "
        f"the draws {-high:.2f} to {-low:.2f}), but clearly in {war['on_their_own']['falls']} "
        f"of {war['draws']} draws only"
    )
    assert lower in readme
    assert f"they add {100 * war['medians']['difference']:.2f} points" in readme
    assert war["verdict"].startswith("not a finding") and "Not a finding." in readme
    p_to = wider["p_to"]
    assert (
        f"wider war is a floor ({100 * p_to[0]:.2f}%, {100 * p_to[1]:.2f}–{100 * p_to[2]:.2f}%; "
        "none at all without troops" in readme
    )
    assert wider["verdict"].startswith("no finding, a floor")
    draws = pd.read_csv(ANSWERS / "troops_wider_war" / "draws.csv")
    assert draws["hits_from"].sum() == 0  # "no run without troops has one"
    part = quoted_part(QUOTED["troops_wider_war"], "troops_wider_war")
    assert f"the {draws['hits_to'].sum()} runs with troops that do are mostly in two draws" in part
    assert draws["hits_to"].nlargest(2).sum() > draws["hits_to"].sum() / 2


def test_the_readmes_words_on_the_roads_at_the_medians_are_the_files():
    readme = " ".join((ROOT / "README.md").read_text().split())
    roads = {s: pd.read_csv(ROADS / s / "posterior_roads.csv").set_index("road") for s in SCENARIOS}
    attacks = [roads[s].loc["attacks", "point_share"] for s in SCENARIOS if s != "hardline"]
    missteps = [roads[s].loc["missteps", "point_share"] for s in SCENARIOS]
    assert (
        f"caused {min(attacks):.0%} to {max(attacks):.0%} of the wars everywhere but hardline, "
        f"and missteps {min(missteps):.0%} to {max(missteps):.0%}" in readme
    )
    hard = roads["hardline"]
    assert hard.loc["attacks", "caused_share"] > hard.loc["slips", "caused_share"]
    assert (
        f"slips lead, {hard.loc['slips', 'point_share']:.0%} against "
        f"{hard.loc['attacks', 'point_share']:.0%}" in readme
    )
    leads = [r["caused_share"].idxmax() for r in roads.values()]
    assert leads == ["attacks"] * len(SCENARIOS)  # "the deliberate road leads in every scenario"


@pytest.mark.parametrize(("name", "outcome"), [("troops_war", "P(war)"),
                                                ("lesson-tripwire", "P(limited war)")])  # fmt: skip
def test_the_draws_where_the_troops_clearly_deter_are_quoted_as_they_are(name, outcome):
    """'Shown in part of the posterior': the clear draws' P with and without troops, and the
    range of the other draws' differences, as the docs quote them."""
    draws = pd.read_csv(ANSWERS / name / "draws.csv")
    clear = draws[(draws["exact_p"] < 0.05) & (draws["difference"] < 0)]
    rest = draws.drop(clear.index)
    part = quoted_part(QUOTED[name], name)
    assert (
        f"in the {len(clear)} draws where the troops clearly lower {outcome}, it is "
        f"{clear['p_from'].min():.0%} to {clear['p_from'].max():.0%} without troops and "
        f"{clear['p_to'].min():.0%} to {clear['p_to'].max():.0%} with them; in the other "
        f"{len(rest)} the difference lies between {100 * rest['difference'].min():.2f} and "
        f"{100 * rest['difference'].max():+.2f} points" in part
    )
