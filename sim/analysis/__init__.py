"""Analysis of results already on disk: it reads a results folder and never runs the model
(EMA interop's model wrapper aside).

- `summaries`: outcome shares and the causal attribution to each road to war, with intervals;
- `sweep_stats`: per-point summaries of a sweep, survival curves, Sobol and Morris indices;
- `discovery`, `robustness`, `survival`: PRIM and CART, levers against uncertainties, Cox models;
- `timeline`: one run told in plain language;
- `answers`: a question's answer across the decision rules and over a prior box (its sign,
  where it flips, which parameters decide it);
- `report/`: the Markdown report of a sweep and its sections; `plots/`: every figure;
- `ema`: the EMA Workbench adapter and export.
"""
