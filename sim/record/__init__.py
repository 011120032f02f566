"""The historical record: the model held against it and fitted to it.

- `patterns`: the record's patterns as data, and the model quantities they constrain;
- `validate`: the model's value of each pattern, against its target, with a verdict;
- `calibrate`: ABC-SMC (pyabc) over scenario parameters, with its history and posterior;
- `posterior`: runs over a calibration's posterior, carrying its uncertainty into the answers;
- `plots`: the calibration's figures (the posterior, the thresholds).
"""
