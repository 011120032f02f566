"""Experiments: many runs of a scenario, and sweeps over its parameters, saved first and
analysed second.

- `experiment`: sweeps declared as data (a base scenario, parameters, a design);
- `runs`: runs in chunks on either engine, serially or on worker processes (`run_many`);
- `sweep`: running an experiment resumably into a results folder (manifest, chunk files);
- `question`: questions declared as data, run across the decision rules and a Morris design;
- `series`: daily quantile bands of a sweep's runs;
- `folders`, `ledger`, `results`: output folders claimed and locked, chunk checksums, files
  written whole or not at all;
- `confined`: the one way to open, write and delete inside a results folder (no link, FIFO
  or device followed).
"""
