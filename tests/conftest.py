"""Shared fixtures and scenario builders for the tests."""

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from filelock import FileLock
from hypothesis import settings
from numba.core import event

from sim.model.ensemble import pack, simulate_runs
from sim.model.outcomes import MAX_RUNG
from sim.model.scenario import Mechanisms, Scenario, load_scenario, parse_scenario

SHIPPED = ["baseline", "reassurance", "hotline", "hardline", "korea"]

# No time limit on a property test's examples: on a loaded 2-core machine a first call (numba
# loading machine code from its cache) took 323 ms, over Hypothesis's default 200 ms, and the
# test failed as "flaky" although its property held. What the tests check is the property.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

# The rationalist null (brief §7): complete information, no misperception, no noise, no
# missteps, no commitment problem (no audience costs, no lock-in).
RATIONALIST = {
    "noise": False,
    "misperception": False,
    "missteps": False,
    "warning": False,
    "lock_in": False,
    "types": False,  # complete information: every resolve known
    "slips": False,  # no risk that leaves something to chance
}


def two_actors(
    a1: float,
    m1: float,
    g1: float,
    a2: float,
    m2: float,
    g2: float,
    x1: float = 0.0,
    x2: float = 0.0,
    days: int = 400,
) -> Scenario:
    """The Richardson limit: two actors with resolve ½ (so a = κ), decisions and every other
    mechanism off."""
    mechanisms = {name: False for name in Mechanisms.model_fields}
    mechanisms["reaction"] = True
    actor = {"resolve": 0.5}
    return parse_scenario(
        {
            "name": "richardson",
            "world": {"days": days},
            "mechanisms": mechanisms,
            "actors": [
                {
                    **actor,
                    "name": "A",
                    "role": "challenger",
                    "reactivity": a1,
                    "restraint": m1,
                    "grievance": g1,
                    "initial_hostility": x1,
                },
                {
                    **actor,
                    "name": "B",
                    "role": "protege",
                    "reactivity": a2,
                    "restraint": m2,
                    "grievance": g2,
                    "initial_hostility": x2,
                },
            ],
        }
    )


def ensemble(scenario: Scenario, n: int, seed: int = 1, suppress: int = 0) -> np.ndarray:
    """Metrics of runs 0..n-1 from the ensemble engine (docked to the Mesa model)."""
    return simulate_runs(*pack(scenario), seed, np.arange(n), suppress, False)[0]


def wars(scenario: Scenario, n: int, seed: int = 1, suppress: int = 0) -> np.ndarray:
    """Whether each of runs 0..n-1 reached open war in some dyad."""
    return ensemble(scenario, n, seed, suppress)[:, MAX_RUNG] >= 5


def change(scenario: Scenario, **sections: Any) -> Scenario:
    """A copy with some world/mechanisms fields changed."""
    return scenario.with_changes(**sections)


@pytest.fixture
def ctrl_c():
    """Ctrl-C raises KeyboardInterrupt during the test, even when the suite was started with
    SIGINT ignored (a background job: `make test &`); see tests/signals.py."""
    from tests.signals import ctrl_c_as_in_a_terminal

    with ctrl_c_as_in_a_terminal():
        yield


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test's figures are closed after it, as a long-lived process would need."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


class Shared:
    """Work done once per test session, by whichever pytest worker asks for it first: each
    piece is a folder under the session's temporary root, which every xdist worker of the
    session shares; it is made under a file lock, so another worker asking for the same piece
    waits for it and then reads it. A piece whose making failed is made again by the next
    asker (the folder counts only once its `.done` mark is written)."""

    def __init__(self, root: Path):
        self.root = root

    def folder(self, key: str, make: Callable[[Path], None]) -> Path:
        """The folder `key`, filled by `make(folder)` in the first worker that asks."""
        target = self.root / key
        with FileLock(f"{target}.lock"):
            if not (target / ".done").exists():
                shutil.rmtree(target, ignore_errors=True)
                make(target)
                (target / ".done").touch()
        return target


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Shared:
    """Work shared by the session's workers (see Shared), under its common temporary root."""
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:  # each worker's base is popen-gwN under the root
        root = root.parent
    (root / "shared").mkdir(exist_ok=True)
    return Shared(root / "shared")


@pytest.fixture(params=SHIPPED)
def shipped(request: pytest.FixtureRequest) -> Scenario:
    """Each scenario shipped in experiments/."""
    return load_scenario(request.param)


@pytest.fixture
def reassurance() -> Scenario:
    return load_scenario("reassurance")


# `make check`, the inner loop (README, "Contributing"): lint and these files, each a few
# seconds of CPU, plus one shipped scenario docked run by run (CHECK_TESTS). The
# rest (ensembles of thousands of runs, the browser, the docs site, sweeps, calibrations,
# signals and servers) runs in `make test`, where every test runs.
CHECK = {
    "tests/test_architecture.py",
    "tests/model/test_chance.py",
    "tests/model/test_scenario.py",
    "tests/model/test_rules.py",
    "tests/model/test_strategic_rules.py",
    "tests/model/test_state.py",
    "tests/model/test_pack.py",
    "tests/model/test_outcomes.py",
    "tests/model/test_dispute_metrics.py",
    "tests/analysis/test_summaries.py",
    "tests/analysis/test_sweep_stats.py",
    "tests/analysis/test_timeline.py",
    "tests/analysis/test_answers.py",
    "tests/record/test_classes.py",
    "tests/experiments/test_folders.py",
    "tests/experiments/test_question.py",
    "tests/cli/test_hostile_numbers.py",
    "tests/docs/test_front_door.py",
}
CHECK_TESTS = {
    "tests/model/test_docking.py::test_engines_agree_run_by_run_on_every_shipped_scenario"
    "[reassurance]",
}


# `make test` runs these files' tests (marker `early`) beside the first compile of a clean
# set-up (scripts/setup.sh --early-tests), sharing the two cores with it, and the rest after
# it. None runs the model's compiled code: the documentation and its site, the
# record's data, codings, statistics, patterns and calibration files, the architecture,
# scenario files, results folders and the answers' tables. A test of theirs that makes numba
# compile or load machine code in the test's process fails (`_early_tests_run_no_machine_code`;
# the commands a test starts are not watched: only the docs site's build, which imports none).
EARLY = {
    "tests/test_architecture.py",
    "tests/docs/test_site.py",
    "tests/docs/test_docs.py",
    "tests/docs/test_front_door.py",
    "tests/record/test_dataset.py",
    "tests/record/test_coding.py",
    "tests/record/test_statistics.py",
    "tests/record/test_classes.py",
    "tests/record/test_patterns.py",
    "tests/record/test_calibrate.py",
    "tests/app/test_lesson_files.py",
    "tests/model/test_scenario.py",
    "tests/analysis/test_answers.py",
    "tests/experiments/test_folders.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of `make check` (marker `check`) and those run beside the first compile
    (marker `early`), both registered in pyproject.toml."""
    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix()
        if path in CHECK or item.nodeid in CHECK_TESTS:
            item.add_marker(pytest.mark.check)
        if path in EARLY:
            item.add_marker(pytest.mark.early)


class _Compiler(event.Listener):
    """Counts the times numba takes its compiler's lock in this thread (not in a thread another
    test left running): it does for every compilation and every load of machine code from its
    cache."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.taken = 0

    def on_start(self, ev: event.Event) -> None:
        self.taken += threading.get_ident() == self.thread

    def on_end(self, ev: event.Event) -> None:
        pass


@pytest.fixture(autouse=True)
def _early_tests_run_no_machine_code(request: pytest.FixtureRequest):
    """A test marked `early` fails if numba compiles or loads machine code during it: beside
    the first compile it would compete with it, or compile the same code twice. (In a process
    that already holds that code numba takes no lock, so the check bites in the early pass,
    where nothing is loaded yet.)"""
    if request.node.get_closest_marker("early") is None:
        yield
        return
    compiler = _Compiler()
    event.register("numba:compiler_lock", compiler)
    try:
        yield
    finally:
        event.unregister("numba:compiler_lock", compiler)
    if compiler.taken:
        pytest.fail(
            "this test ran numba's compiler: it cannot run beside the first compile; "
            "take its file out of EARLY in tests/conftest.py"
        )
