"""The command line, `escalation`, one module per group of commands as `--help` shows them:
`runs` (run, ensemble), `sweeps` (sweep, report, plot, discover, export-ema), `questions`
(question), `disputes`,
`record` and `calibration` (record, validate, calibrate), `teaching` (app), `info`
(scenarios, parameters).
`common` holds what they share: the command group, one-line errors and the common options.

Every command's bad input ends in one line on stderr and exit code 2; commands import their
heavy modules inside, so `escalation --help` stays quick.
"""

# The commands register themselves on import, in the order --help shows their groups.
from sim.cli import runs, sweeps, questions, disputes, record, calibration, teaching, info  # noqa: F401, I001
from sim.cli.common import app

__all__ = ["app"]
