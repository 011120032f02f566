"""Time to escalation with covariates: a Cox proportional-hazards model over a sweep's
parameters (Cox 1972), fitted with lifelines.

A run's time is its day of escalation, or its last day observed (censored). Continuous
parameters are standardised over the runs, so a hazard ratio is per one standard deviation
of the parameter across the design; a switch's is on against off. The proportional-hazards
assumption is the model's, not checked here: read the ratios beside the Kaplan-Meier curves.
Intervals are robust ones clustered on the run index, since every point runs the same run
indices with the same random numbers.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from sim.analysis.sweep_stats import time_to_escalation


def cox_hazards(
    runs: pd.DataFrame, parameters: list[str], escalation_rung: int | pd.Series, horizon: int
) -> tuple[pd.DataFrame, list[str]]:
    """Hazard ratios of escalation with 95% intervals and p-values, one row a parameter
    that varies (empty when no run escalated: there is no hazard to model), and lifelines'
    warnings about the fit (e.g. separation), each as one line."""
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceWarning

    duration, escalated = time_to_escalation(runs, escalation_rung, horizon)
    columns = ["parameter", "scale", "hazard ratio", "low", "high", "p"]
    varying = [p for p in parameters if runs[p].nunique() > 1]
    if not escalated.any() or escalated.all() or not varying:
        return pd.DataFrame(columns=columns), []
    frame = pd.DataFrame({"duration": duration, "event": escalated})
    # Points share run indices (common random numbers), so runs with the same index are
    # correlated across points: robust (sandwich) intervals clustered on the run index.
    cluster = "run" if "run" in runs else None
    if cluster:
        frame[cluster] = runs["run"].to_numpy()
    scales = {}
    for name in varying:
        values = runs[name].to_numpy()
        if values.dtype == bool:
            frame[name], scales[name] = values.astype(float), "on against off"
        else:
            sd = float(np.std(values.astype(float)))
            frame[name] = (values - values.mean()) / sd
            scales[name] = f"per SD ({sd:.3g})"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        fitted = CoxPHFitter().fit(
            frame, duration_col="duration", event_col="event", cluster_col=cluster
        )
    notes = [
        " ".join(str(w.message).split()).split(" See ")[0]
        for w in caught
        if issubclass(w.category, ConvergenceWarning)
    ]
    table = fitted.summary
    hazards = pd.DataFrame(
        {
            "parameter": varying,
            "scale": [scales[n] for n in varying],
            "hazard ratio": table.loc[varying, "exp(coef)"].to_numpy(),
            "low": table.loc[varying, "exp(coef) lower 95%"].to_numpy(),
            "high": table.loc[varying, "exp(coef) upper 95%"].to_numpy(),
            "p": table.loc[varying, "p"].to_numpy(),
        },
        columns=columns,
    )
    return hazards, notes
