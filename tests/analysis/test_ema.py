"""EMA Workbench interop: perform_experiments on the adapter, and a sweep exported."""

import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.analysis.ema import ema_model, point_outcomes, scenario_with, sweep_as_ema
from sim.analysis.sweep_stats import summarise_sweep
from sim.cli import app
from sim.experiments.experiment import load_experiment
from sim.experiments.sweep import load_results, run_sweep
from sim.model.scenario import load_scenario

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    from ema_workbench import SequentialEvaluator, perform_experiments
    from ema_workbench import load_results as ema_load

runner = CliRunner()


def test_perform_experiments_runs_the_model_on_emas_own_evaluator():
    model = ema_model("reassurance", runs=8, seed=2, days=30)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=3, policies=2, evaluator=evaluator
        )
    assert len(experiments) == 6  # 3 states of the world × 2 policies
    assert {"guarantor__troops", "challenger__resolve", "challenger__warned"} <= set(experiments)
    assert experiments["guarantor__troops"].between(0, 10_000).all()
    assert set(outcomes) == {"p_wider_war", "p_limited_war", "p_escalated", "p_caused_by_missteps"}
    # Each experiment's outcomes are those of the scenario with its values, run by hand.
    base = load_scenario("reassurance").with_changes(world={"days": 30})
    names = {p.name: p.variable_name[0] for p in [*model.uncertainties, *model.levers]}
    for k in (0, 5):
        values = {names[n]: experiments.loc[k, n] for n in names}
        expected = point_outcomes(scenario_with(base, values), 8, 2, ["wider war", "escalated"])
        assert outcomes["p_wider_war"][k] == expected["p_wider_war"]
        assert outcomes["p_escalated"][k] == expected["p_escalated"]


def test_the_defaults_object_gives_the_ranges():
    model = ema_model("reassurance", runs=1)
    resolve = next(u for u in model.uncertainties if u.name == "challenger__resolve")
    assert (resolve.lower_bound, resolve.upper_bound) == (0.0, 1.0)  # ActorParams.resolve


SMALL = """
kind = "experiment"
name = "small"
base = "reassurance"
design = "grid"
replicates = 10
chunk_size = 10
days = 40
seed = 3
[[parameters]]
path = "guarantor.troops"
values = [0, 8000]
[[parameters]]
path = "mechanisms.misreading"
values = [true, false]
"""


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ema")
    path = folder / "small.toml"
    path.write_text(SMALL)
    experiment, base, text = load_experiment(path)
    run_sweep(experiment, base, text, folder / "out")
    summarise_sweep(folder / "out", base)
    return folder / "out"


def test_a_sweep_exports_per_point_and_per_run(swept):
    experiments, outcomes = sweep_as_ema(swept, "point")
    assert len(experiments) == 4
    assert list(experiments.columns[:3]) == ["point", "guarantor__troops", "mechanisms__misreading"]
    assert outcomes["p_wider_war"].shape == (4,)
    assert all(name.isidentifier() for name in outcomes)  # EMA's rule for names
    assert "p_war_Russia_United_Kingdom" in outcomes  # a dyad's chance of war
    experiments, outcomes = sweep_as_ema(swept, "run")
    runs = load_results(swept)
    assert len(experiments) == len(runs) == 40
    assert np.array_equal(outcomes["escalated"], runs["escalated"].astype(int))
    assert np.array_equal(outcomes["p_wider_war"], (runs["outcome"] == "wider war").astype(int))


def test_export_ema_writes_what_ema_loads(swept):
    result = runner.invoke(app, ["export-ema", str(swept), "--per", "run"])
    assert result.exit_code == 0, result.output
    experiments, outcomes = ema_load(str(swept / "ema_run.tar.gz"))
    assert len(experiments) == 40 and len(outcomes["max_rung"]) == 40
    result = runner.invoke(app, ["export-ema", str(swept), "--per", "runs"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --per must be point or run, got 'runs'"


def test_each_kind_of_path_becomes_the_right_ema_parameter():
    from sim.analysis.ema import ema_parameter

    base = load_scenario("reassurance")
    count = ema_parameter(base, "guarantors.count")
    assert type(count).__name__ == "IntegerParameter" and count.upper_bound == 4
    switch = ema_parameter(base, "mechanisms.missteps")
    assert type(switch).__name__ == "BooleanParameter"
    troops = ema_parameter(base, "France.troops", (0, 2000))
    assert type(troops).__name__ == "IntegerParameter" and troops.name == "France__troops"
    assert troops.variable_name == ["France.troops"]
    rate = ema_parameter(base, "world.misstep_rate")  # the defaults object's own range
    assert (rate.lower_bound, rate.upper_bound) == (0.0, 1.0)
