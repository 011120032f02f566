"""The tutorial notebook runs, cell by cell, and says what it claims."""

import os
from pathlib import Path

import matplotlib
import nbformat

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
    assert namespace["model"].outcome != namespace["twin"].outcome  # the missteps mattered
    assert namespace["tally"].runs == 20_000
    summary = namespace["summary"]
    assert len(summary) == 9
    by_troops = summary.groupby("guarantor.troops")
    offensive = by_troops["p_renewed_offensive"].mean()
    war = by_troops["p_open_war"].mean()
    assert offensive[0] > offensive[10_000] and war[10_000] > war[0]
