"""Levers against uncertainties (XLRM, Lempert, Popper & Bankes 2003): which choice is robust.

A policy is one combination of the levers' values; a state of the world one draw of the
uncertainties. For an outcome where lower is better (P(wider war), say), each policy's
probability in each state gives the robustness measures of decision making under deep
uncertainty: the worst case (minimax), the regret against the best policy in each state
(Savage 1951), and the share of states in which a satisficing threshold holds (Simon 1956;
Starr's domain criterion). Pure functions on a sweep's summary; `sim.analysis.plots` draws them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def outcome_matrix(
    summary: pd.DataFrame, levers: list[str], uncertainties: list[str], quantity: str
) -> pd.DataFrame:
    """The quantity of each policy (rows: lever values) in each state of the world
    (columns: numbered in the order the states first appear)."""
    frame = summary[[*levers, *uncertainties, quantity]].copy()
    states = frame[uncertainties].apply(tuple, axis=1)
    frame["state"] = pd.factorize(states)[0]
    return frame.pivot_table(index=levers, columns="state", values=quantity, aggfunc="mean")


def regret(matrix: pd.DataFrame) -> pd.DataFrame:
    """Each policy's regret in each state: its quantity minus the best (lowest) policy's
    there; the best policy of a state has regret 0 in it."""
    return matrix - matrix.min(axis=0)


def robustness(matrix: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per policy, across the states of the world: mean, worst case, mean and maximum regret,
    and the share of states in which the quantity is below `threshold`."""
    regrets = regret(matrix)
    table = pd.DataFrame(
        {
            "mean": matrix.mean(axis=1),
            "worst case": matrix.max(axis=1),
            "mean regret": regrets.mean(axis=1),
            "max regret": regrets.max(axis=1),
            "satisficing share": (matrix < threshold).mean(axis=1),
        }
    )
    return table.sort_values(["max regret", "worst case"], kind="stable")


def policy_label(policy: object, levers: list[str]) -> str:
    """A policy's lever values as text, e.g. 'guarantor.troops = 5000, hotline = 0.8'."""
    values = policy if isinstance(policy, tuple) else (policy,)
    return ", ".join(f"{lever} = {_shown(v)}" for lever, v in zip(levers, values, strict=True))


def _shown(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float | int | np.number) else str(value)
