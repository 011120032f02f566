"""The Morris design and its elementary effects, on a function with known effects."""

import pytest

from sim.analysis.sweep_stats import morris_indices
from sim.experiments.experiment import Experiment, points


def morris(samples: int = 10, levels: int = 4) -> Experiment:
    return Experiment.model_validate(
        {
            "name": "m",
            "base": "reassurance",
            "design": "morris",
            "samples": samples,
            "levels": levels,
            "parameters": [
                {"path": "guarantor.troops", "low": 0, "high": 10000},
                {"path": "challenger.resolve", "low": 0.2, "high": 0.8},
                {"path": "world.hotline_quality", "low": 0, "high": 1},
            ],
        }
    )


def test_a_morris_design_has_one_step_per_parameter_per_trajectory():
    experiment = morris(samples=10)
    design = points(experiment)
    assert len(design) == experiment.design_size() == 10 * (3 + 1)
    assert design["guarantor.troops"].between(0, 10000).all()
    # Each parameter takes only the grid's levels: 0, 1/3, 2/3, 1 of its range.
    assert sorted(design["world.hotline_quality"].round(9).unique()) == pytest.approx(
        [0, 1 / 3, 2 / 3, 1]
    )


def test_elementary_effects_of_a_known_function():
    """y = 0.3·(troops/10,000) + 0.1·(scaled resolve)²; hotline does nothing. Per whole
    range, troops' effect is 0.3 at every step (σ = 0); the hotline's is exactly 0."""
    experiment = morris(samples=20)
    summary = points(experiment).reset_index()
    resolve = (summary["challenger.resolve"] - 0.2) / 0.6
    summary["p"] = 0.3 * summary["guarantor.troops"] / 10000 + 0.1 * resolve**2
    indices = morris_indices(summary, experiment, "p").set_index("parameter")
    assert indices.loc["guarantor.troops", "mu_star"] == pytest.approx(0.3)
    assert indices.loc["guarantor.troops", "sigma"] == pytest.approx(0.0, abs=1e-12)
    assert indices.loc["world.hotline_quality", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert 0 < indices.loc["challenger.resolve", "mu_star"] < 0.2  # non-linear: σ > 0
    assert indices.loc["challenger.resolve", "sigma"] > 0


def test_a_morris_design_refuses_listed_values():
    with pytest.raises(ValueError, match="a morris design needs low and high"):
        Experiment.model_validate(
            {"name": "m", "base": "reassurance", "design": "morris",
             "parameters": [{"path": "world.hotline_quality", "values": [0.1, 0.5]}]}
        )  # fmt: skip


def test_new_keys_leave_the_fingerprint_of_older_experiments_alone():
    """Results folders made before levels, robustness, series and xlrm existed still resume:
    an experiment that does not set them has the fingerprint the older code computed (its
    formula: SHA-256 of the experiment's and base scenario's JSON, without those keys)."""
    import hashlib
    import json

    from sim.experiments.experiment import fingerprint, load_experiment

    experiment, base, _ = load_experiment("troops_threat")
    older = experiment.model_dump(mode="json", exclude={"levels", "robustness", "series"})
    older["parameters"] = [{k: v for k, v in p.items() if k != "xlrm"} for p in older["parameters"]]
    payload = {"experiment": older, "base": base.model_dump(mode="json")}
    expected = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    assert fingerprint(experiment, base) == expected
    changed = experiment.model_copy(update={"series": 3})
    assert fingerprint(changed, base) != fingerprint(experiment, base)
