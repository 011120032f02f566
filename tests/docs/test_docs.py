"""The docs say what the code does: generated tables are current, every rule is described."""

import importlib
import inspect
from pathlib import Path

from sim.model import rules
from sim.model.reference import GENERATED, markers, refresh
from sim.model.scenario import Mechanisms

ROOT = Path(__file__).resolve().parents[2]
MODEL_DOC = ROOT / "docs" / "model.md"


def test_generated_tables_in_the_model_doc_are_current():
    text = MODEL_DOC.read_text()
    for name in GENERATED:
        start, end = markers(name)
        assert start in text and end in text, f"docs/model.md lacks the {name} block"
    assert refresh(text) == text, "run: python -m sim.model.reference docs/model.md"


def test_every_rule_has_a_one_line_docstring_citing_a_source():
    found = 0
    for (
        module_name
    ) in rules.MODULES:  # the rules live in the modules of the package sim.model.rules
        module = importlib.import_module(f"sim.model.rules.{module_name}")
        for name, function in inspect.getmembers(module):
            if getattr(getattr(function, "py_func", None), "__module__", "") == module.__name__:
                found += 1
                doc = (function.py_func.__doc__ or "").strip()
                assert doc and "\n" not in doc, f"{module_name}.{name}: one-line docstring"
                assert doc.endswith(")."), f"{module_name}.{name}: ends by citing its source"
    assert found >= 20


def test_every_switch_is_described():
    text = MODEL_DOC.read_text()
    for name in Mechanisms.model_fields:
        assert f"`{name}`" in text


def test_the_readme_says_it_is_not_a_forecast():
    assert "not a forecast" in (ROOT / "README.md").read_text().lower()


def test_a_script_that_imports_its_siblings_is_documented_as_a_module():
    """`python benchmarks/x.py` puts benchmarks/ on sys.path, not the project: a script that
    imports `benchmarks.y` only runs as `python -m benchmarks.x`, so no doc may say otherwise."""
    import re

    needs_module = {
        path.stem
        for folder in ("benchmarks", "tools")
        for path in (ROOT / folder).glob("*.py")
        if re.search(r"^\s*(from|import) (benchmarks|tools)\.", path.read_text(), re.M)
    }
    assert needs_module, "no script imports a sibling: this check has nothing left to guard"
    docs = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *ROOT.glob("benchmarks/*.py")]
    docs += list((ROOT / "tools").glob("*.py"))
    wrong = [
        f"{doc.relative_to(ROOT)}: python {m.group(0)}"
        for doc in docs
        for m in re.finditer(r"(?<=python )(benchmarks|tools)/(\w+)\.py", doc.read_text())
        if m.group(2) in needs_module
    ]
    assert not wrong, "run these as python -m folder.script: " + "; ".join(wrong)
