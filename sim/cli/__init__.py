"""The command line, `escalation`, one module per group of commands as `--help` shows them:
`runs` (run, ensemble), `sweeps` (sweep, report, plot, discover, export-ema), `questions`
(question), `disputes`,
`record` and `calibration` (record, validate, calibrate), `teaching` (app), `info`
(scenarios, parameters).
`common` holds what they share: the command group, one-line errors and the common options.

Every command's bad input ends in one line on stderr and exit code 2; commands import their
heavy modules inside, so `escalation --help` stays quick. A Ctrl-C while the command starts
(its modules still importing, or typer still building the commands from their signatures,
before any handler of its own is in place) ends in one line too: the `escalation` script runs
`main`, not `app`.
"""

import sys

try:
    # The commands register themselves on import, in the order --help shows their groups.
    from sim.cli import runs, sweeps, questions, disputes, record, calibration, teaching, info  # noqa: F401, I001
    from sim.cli.common import app
except KeyboardInterrupt:  # the `escalation` script imports this first: no traceback
    sys.stderr.write("Interrupted.\n")
    raise SystemExit(130) from None


def main() -> None:
    """The `escalation` script: the command line, with a Ctrl-C before a command's own handler
    (while typer reads the commands' signatures) ending in one line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        raise SystemExit(130) from None


__all__ = ["app", "main"]
