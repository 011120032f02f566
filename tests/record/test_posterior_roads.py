"""The roads to war over a posterior (`ensemble --posterior --roads`): docked against a plain
ensemble, and its counts on planted tables."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.model.outcomes import ROAD_LABELS
from sim.record.posterior import posterior_roads

runner = CliRunner()


def test_over_a_posterior_of_one_particle_the_roads_are_the_plain_ensembles(tmp_path):
    """A posterior of one particle at the scenario's own values: its 40 draws run the run
    indices 0..999 in blocks of 25, and the medians 0..999 again, so both must give the plain
    ensemble's roads count for count."""
    posterior = tmp_path / "p.parquet"
    pd.DataFrame({"world.war_cost": [6.0], "weight": [1.0]}).to_parquet(posterior)
    common = ["--runs", "1000", "--seed", "4", "--days", "60", "--workers", "1"]
    over = runner.invoke(app, ["ensemble", "reassurance", "--posterior", str(posterior), "--roads",
                               *common, "--out", str(tmp_path / "o")])  # fmt: skip
    assert over.exit_code == 0, over.output
    assert "Roads to war over the posterior" in over.stdout and "not a forecast" in over.stdout
    plain = runner.invoke(app, ["ensemble", "reassurance", *common, "--out", str(tmp_path / "e")])
    assert plain.exit_code == 0, plain.output
    roads = pd.read_csv(tmp_path / "o" / "posterior_roads.csv").set_index("road")
    expected = pd.read_csv(tmp_path / "e" / "roads.csv").set_index("road")
    assert expected["caused"].sum() > 0  # the check has wars to compare
    for road in ROAD_LABELS:
        assert roads.loc[road, "risk_difference"] == pytest.approx(
            expected.loc[road, "risk_difference"], abs=1e-12
        )
        assert roads.loc[road, "point_rd"] == pytest.approx(
            expected.loc[road, "risk_difference"], abs=1e-12
        )
        share = expected.loc[road, "caused_share"]
        assert roads.loc[road, "caused_share"] == pytest.approx(share, abs=1e-12)


def test_roads_without_a_posterior_are_refused_in_one_line(tmp_path):
    result = runner.invoke(
        app, ["ensemble", "reassurance", "--roads", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "--roads goes with --posterior" in result.output
    assert not (tmp_path / "o").exists()


def test_each_roads_share_and_difference_over_draws_on_planted_counts():
    """Three draws: 10 wars of 100 runs (4 caused by missteps, 1 the other way), 2 wars (both
    caused) and none; the medians 20 of 200 (5 caused). The share is pooled over the wars, its
    range over the draw with at least 10 wars only; the difference over all runs."""
    counts = pd.DataFrame(0, index=[0, 1, 2, -1], columns=["runs", "escalated"] + [
        f"{kind}_{road}" for road in ROAD_LABELS for kind in ("caused", "only_twin")
    ])  # fmt: skip
    counts.loc[0, ["runs", "escalated", "caused_missteps", "only_twin_missteps"]] = [100, 10, 4, 1]
    counts.loc[1, ["runs", "escalated", "caused_missteps"]] = [100, 2, 2]
    counts.loc[2, "runs"] = 100
    counts.loc[-1, ["runs", "escalated", "caused_missteps"]] = [200, 20, 5]
    row = posterior_roads(counts).set_index("road").loc["missteps"]
    assert row["caused_share"] == 0.5 and row["share_low"] == row["share_high"] == 0.4
    assert row["draws_with_wars"] == 1 and row["risk_difference"] == pytest.approx(5 / 300)
    assert row["rd_draws_low"] == pytest.approx(np.quantile([0.03, 0.02, 0.0], 0.025))
    assert row["point_share"] == 0.25 and row["point_rd"] == pytest.approx(5 / 200)


def test_with_no_war_in_any_draw_the_shares_are_undefined_and_print_as_no_war(tmp_path):
    from sim.cli.record import share

    counts = pd.DataFrame(0, index=[0, 1, -1], columns=["runs", "escalated"] + [
        f"{kind}_{road}" for road in ROAD_LABELS for kind in ("caused", "only_twin")
    ])  # fmt: skip
    counts["runs"] = 100
    row = posterior_roads(counts).set_index("road").loc["attacks"]
    assert row["draws_with_wars"] == 0 and np.isnan(row["caused_share"])
    assert np.isnan(row["point_share"]) and row["risk_difference"] == 0
    assert share(row["caused_share"]) == "no war" and share(0.25) == "25%"
