"""The tutorial notebook runs, cell by cell, and says what it claims."""

import os
from pathlib import Path

import matplotlib
import nbformat

from sim.model.outcomes import Outcome, Road

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "tutorial.ipynb"


def test_the_tutorial_notebook_executes_and_its_claims_hold(tmp_path):
    matplotlib.use("Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict = {}
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        for number, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                code = compile(cell.source, f"{NOTEBOOK.name}, cell {number}", "exec")
                exec(code, namespace)
    finally:
        os.chdir(here)

    # 1. Seed 89: a crisis contained; its twin without missteps keeps the ceasefire. Missteps,
    # misreading, warnings and face were each necessary; suppressing attacks or slips changed
    # nothing.
    model, twins = namespace["model"], namespace["twins"]
    assert namespace["twin"] is twins[Road.MISSTEPS]
    assert model.outcome == Outcome.CRISIS_CONTAINED
    for road in (Road.MISSTEPS, Road.MISREADING, Road.WARNINGS, Road.FACE):
        assert twins[road].outcome == Outcome.CEASEFIRE_HELD, road
    for road in (Road.ATTACKS, Road.SLIPS):
        assert twins[road].outcome == model.outcome, road

    # 2. Many runs: as many as asked; deliberate attacks caused the largest share of
    # escalations; the shares add up to more than 100% (one war can need several roads); the
    # missteps road's risk difference is "about +2 points".
    assert namespace["tally"].runs == 2_000
    roads = namespace["roads"].set_index("road")
    shares = roads["caused_share"]
    assert shares.idxmax() == "attacks"
    assert shares.sum() > 1
    assert 1.5 <= 100 * roads.loc["missteps", "risk_difference"] <= 2.5

    # 3. The sweep: 3 × 2 points; troops barely change P(limited war) (200 runs a point,
    # paired by common random numbers: within 5 points), and no run reaches a wider war.
    summary = namespace["summary"]
    assert len(summary) == 6
    assert (summary["runs"] == 200).all()
    by = summary.set_index(["challenger.threat_perception", "guarantor.troops"])
    for threat in (0.3, 0.9):
        assert abs(by.loc[(threat, 0), "p_limited_war"] - 0.26) < 0.02
        assert (
            abs(by.loc[(threat, 5000), "p_limited_war"] - by.loc[(threat, 0), "p_limited_war"])
            < 0.05
        )
    assert (summary["p_wider_war"] == 0).all()


def test_the_notebook_is_saved_with_current_outputs_and_questions_for_students():
    from sim.analysis.timeline import outcome_line, timeline_lines, twin_lines
    from sim.model.mesa_model import road_mask, run_model
    from sim.model.scenario import load_scenario

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs for cell in code)  # saved with its outputs
    printed = ["".join(o.get("text", "")) for o in code[0].outputs + code[1].outputs]
    scenario = load_scenario("reassurance")
    model = run_model(scenario, seed=89)
    twins = {road: run_model(scenario, seed=89, suppress=road_mask(road)) for road in Road}
    assert printed[0].startswith("\n".join(timeline_lines(model)[:20]) + "\n")
    assert outcome_line(model) in printed[0]
    assert printed[1].splitlines()[1:] == twin_lines(model, twins)
    questions = [c for c in notebook.cells if c.cell_type == "markdown" and "Questions" in c.source]
    assert len(questions) >= 2
