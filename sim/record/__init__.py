"""The historical record: the model held against it and fitted to it.

- `dataset`: the MID and COW tables shipped in `data/`, checked against their checksums;
- `classes`: reference classes of disputes as data (`classes.toml`), each a defended filter;
- `coding`: runs (and dyads) coded as the record codes disputes, and the record's disputes alike;
- `statistics`: the statistics of coded disputes with bootstrap intervals (`run_statistics`,
  `class_statistics`: what a calibration to the record compares);
- `comparison`: the model's statistics against a class's, with distances and verdicts;
- `patterns`: the hand-typed patterns (where no data set exists), and the quantities they read;
- `validate`: the model against a class, or against the patterns, with verdicts;
- `calibrate`: ABC-SMC (pyabc) over scenario parameters, with its history and posterior;
- `smc`: how its generations are sampled (seeded slots, thresholds, the kernel);
- `history`: a calibration's history database, checked to be its own before any work;
- `calibrated`: what a calibration found (posterior, how far each generation moved it, the
  predictive check, the calibrated scenario); `writeup`: its report in words;
- `posterior`: runs over a calibration's posterior, carrying its uncertainty into the answers;
- `plots`: the figures (the posterior, the thresholds, model beside record).
"""
