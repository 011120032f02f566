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

    # 1. Seed 273: a wider war; its twin without missteps keeps the ceasefire. Missteps,
    # misreading and commitments were each necessary; suppressing attacks changed nothing.
    model, twins = namespace["model"], namespace["twins"]
    assert namespace["twin"] is twins[Road.MISSTEPS]
    assert model.outcome == Outcome.WIDER_WAR
    assert twins[Road.MISSTEPS].outcome == Outcome.CEASEFIRE_HELD
    assert twins[Road.MISREADING].outcome < Outcome.LIMITED_WAR
    assert twins[Road.COMMITMENTS].outcome < Outcome.LIMITED_WAR
    assert twins[Road.ATTACKS].outcome == model.outcome

    # 2. Many runs: as many as asked; commitments caused the largest share of escalations;
    # the shares add up to more than 100% (one war can need several roads).
    assert namespace["tally"].runs == 2_000
    shares = namespace["roads"].set_index("road")["caused_share"]
    assert shares.idxmax() == "commitments"
    assert shares.sum() > 1

    # 3. The sweep: 3 × 2 points; troops lower P(limited war) at both threat perceptions,
    # from about one in five to at most a few in a hundred; no wider war without troops.
    summary = namespace["summary"]
    assert len(summary) == 6
    assert (summary["runs"] == 200).all()
    by = summary.set_index(["challenger.threat_perception", "guarantor.troops"])
    for threat in (0.3, 0.9):
        assert by.loc[(threat, 0), "p_limited_war"] > 0.15
        assert by.loc[(threat, 5000), "p_limited_war"] < 0.05
        assert by.loc[(threat, 0), "p_wider_war"] == 0
        assert by.loc[(threat, 0), "rd_attacks"] > by.loc[(threat, 5000), "rd_attacks"]


def test_the_notebook_is_saved_with_current_outputs_and_questions_for_students():
    from sim.analysis.timeline import outcome_line, timeline_lines, twin_lines
    from sim.model.mesa_model import road_mask, run_model
    from sim.model.scenario import load_scenario

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs for cell in code)  # saved with its outputs
    printed = ["".join(o.get("text", "")) for o in code[0].outputs + code[1].outputs]
    scenario = load_scenario("reassurance")
    model = run_model(scenario, seed=273)
    twins = {road: run_model(scenario, seed=273, suppress=road_mask(road)) for road in Road}
    assert printed[0].startswith("\n".join(timeline_lines(model)[:20]) + "\n")
    assert outcome_line(model) in printed[0]
    assert printed[1].splitlines()[1:] == twin_lines(model, twins)
    questions = [c for c in notebook.cells if c.cell_type == "markdown" and "Questions" in c.source]
    assert len(questions) >= 2
