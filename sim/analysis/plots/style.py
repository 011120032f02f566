"""The figures' one style: the Okabe-Ito palette, line styles, outcome colours, and the
"not a forecast" footer every figure carries.

Colours come from the Okabe-Ito palette, which readers with any common colour-vision
deficiency can tell apart, and lines differ by style as well as colour. Importing this module
selects matplotlib's file backend (Agg): the CLI and the tests run without a screen.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files, not windows: the CLI and the tests run without a screen

import matplotlib.pyplot as plt  # noqa: F401 - the pyplot every figure module uses
from matplotlib.axes import Axes
from matplotlib.figure import Figure

NOT_A_FORECAST = "Illustrative parameters; a teaching model, not a forecast."

# Okabe & Ito (2008): blue, vermillion, bluish green, reddish purple, orange, sky blue,
# yellow, black.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))
OUTCOME_COLOURS = {
    "ceasefire held": "#009E73",
    "crisis contained": "#56B4E9",
    "limited war": "#E69F00",
    "wider war": "#D55E00",
    "nuclear use": "#000000",
}
WAR_SHADE = "#D55E00"
OFFENSIVE_SHADE = "#E69F00"


def colour(k: int) -> str:
    """The k-th colour of the palette, cycling."""
    return OKABE_ITO[k % len(OKABE_ITO)]


def line_style(k: int) -> str | tuple:
    """The k-th line style, cycling."""
    return LINE_STYLES[k % len(LINE_STYLES)]


def not_a_forecast_below(ax: Axes, below: float) -> None:
    """NOT_A_FORECAST under the given Axes, `below` in Axes units."""
    ax.text(
        1.0, below, NOT_A_FORECAST, transform=ax.transAxes, ha="right", fontsize=7, color="dimgrey"
    )


def footer(figure: Figure, ax: Axes, made: bool) -> None:
    """NOT_A_FORECAST at the foot of a figure made here, or under the given Axes."""
    if made:
        figure.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))
        figure.text(
            0.99, 0.005, NOT_A_FORECAST, ha="right", va="bottom", fontsize=7, color="dimgrey"
        )
    else:
        not_a_forecast_below(ax, -0.25)
