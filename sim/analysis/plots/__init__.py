"""Figures, each beside what it shows: `run` (one run), `ensemble` (many runs of a
scenario), `sweep` (a sweep's parameters and indices), `discovery` (PRIM, CART, feature scores,
robustness); `style` holds the palette and the footer they share.

Each figure is split in two: a function that prepares the data (tested for exact values) and
a function that draws it (`ax=None`, returns the figure). The calibration's figures live
beside it, in `sim.record.plots`.
"""
