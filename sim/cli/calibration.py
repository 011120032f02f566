"""`calibrate`: fit scenario parameters to the record's patterns by ABC-SMC, and write the
posterior, its figures and its report."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    RESULTS,
    ExecutorOpt,
    ForceOpt,
    PlainTable,
    SchedulerOpt,
    WaitOpt,
    WorkersOpt,
    app,
    console,
    fails_cleanly,
    progress_bar,
    say,
    waiting,
    worker_count,
)
from sim.experiments.confined import remove_inside
from sim.experiments.folders import claim, folder_name, printable
from sim.model.scenario import (
    ScenarioError,
)


@app.command(rich_help_panel="The record")
@fails_cleanly
def calibrate(
    calibration: Annotated[
        str,
        typer.Argument(
            help='A calibration TOML file (kind = "calibration"), or the name of one in '
            "experiments/calibration/.",
            show_default=False,
        ),
    ],
    workers: WorkersOpt = 0,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Results folder (default: results/calibrations/NAME).", show_default=False
        ),
    ] = None,
    force: ForceOpt = False,
    wait: WaitOpt = False,
) -> None:
    """Fit scenario parameters to the record by ABC-SMC (pyabc): its patterns, or a class.

    The calibration file names the base scenario, the parameters with their priors, the
    patterns to fit (or, in a [record] table, a reference class, the statistics of its
    disputes to fit and those to predict out of sample), the runs per simulation, the
    population, the generations (or a final tolerance) and the seed. Each generation is kept
    in history.db (pyabc's SQLite record): after Ctrl-C or kill -9 the same command resumes
    from it, and gives the posterior an uninterrupted run gives; with more generations in the
    file it goes on from the last one; fewer generations, or a file changed otherwise, is
    refused. Writes posterior.parquet (the last generation's particles and weights),
    posterior_summary.csv, thresholds.csv, posterior.png, thresholds.png, predictive.md/.csv
    (the check on posterior draws; predictive_draws.csv too for a class), calibrated.toml (the
    base scenario at the posterior medians) and report.md.

    Example: escalation calibrate experiments/calibration/reassurance.toml
    """

    from sim.experiments.sweep import executor_for
    from sim.record.calibrate import load_calibration, run_calibration
    from sim.record.calibrated import (
        posterior,
        predictive_check,
        record_predictive_check,
        thresholds,
    )
    from sim.record.history import (
        DATABASE,
        MANIFEST,
        UnfittableError,
        is_database_error,
        prepare,
        write_failure,
    )

    if executor not in ("local", "dask"):
        raise ScenarioError(f"--executor must be local or dask, got {executor!r}")
    setup = load_calibration(calibration)
    c = setup.calibration
    workers = worker_count(workers)
    out_dir = out if out is not None else RESULTS / "calibrations" / folder_name(c.name)
    try:
        with claim(out_dir, force, wait, waiting), contextlib.ExitStack() as stack:
            # Before any work: a history this command cannot use is refused here.
            resuming = prepare(out_dir, setup.fingerprint, c.model_dump(mode="json"))
            pool = None
            if executor == "dask" or workers > 1:
                pool = stack.enter_context(executor_for(executor, workers, scheduler))
            progress = stack.enter_context(progress_bar())
            bar = progress.add_task("generation", total=c.generations * c.population)

            def on_generation(t: int, total: int) -> None:
                progress.update(bar, completed=t * c.population,
                                description=f"generation {t + 1} of {total}")  # fmt: skip

            try:
                history = run_calibration(
                    setup, out_dir, pool, on_generation, lambda n: progress.advance(bar, n)
                )
            except UnfittableError:
                if not resuming:  # nothing worth keeping: leave the folder as it was
                    for name in (DATABASE, MANIFEST):
                        remove_inside(out_dir, name)
                raise
            except Exception as error:
                if is_database_error(error):  # a full disk, say: one line, generations kept
                    raise write_failure(out_dir / DATABASE, error) from None
                raise
            progress.update(bar, description="predictive check")
            table = posterior(history, setup)
            steps = thresholds(history, setup)
            if setup.targets is not None:
                draws, check = record_predictive_check(
                    setup, table, workers if pool is None else 1, pool
                )
            else:
                draws, check = (
                    None,
                    predictive_check(setup, table, workers if pool is None else 1, pool),
                )
            progress.update(bar, completed=c.generations * c.population)
            _write_calibration(out_dir, setup, table, steps, check, draws)
    except KeyboardInterrupt:  # the pool's workers are stopped by executor_for on the way out
        say(
            f"Interrupted: the finished generations are kept in {out_dir / 'history.db'}; "
            "the same command resumes from them.",
            err=True,
        )
        raise typer.Exit(130) from None
    _print_calibration(out_dir, setup, table, steps, check)


def _write_calibration(out_dir, setup, table, steps, check, draws=None) -> None:
    """A finished calibration's files, each landing whole (sim.experiments.results.staging)."""
    import hashlib

    from sim.analysis.plots.style import plt
    from sim.experiments.results import staging
    from sim.record.calibrated import calibrated_scenario, scenario_toml, summary, write_posterior
    from sim.record.plots import plot_posterior, plot_thresholds
    from sim.record.writeup import calibration_report, predictive_md

    c = setup.calibration
    with staging(out_dir) as scratch:
        write_posterior(table, scratch / "posterior.parquet", setup)
        digest = hashlib.sha256((scratch / "posterior.parquet").read_bytes()).hexdigest()
        stats = summary(table, setup)
        stats.to_csv(scratch / "posterior_summary.csv", index=False)
        steps.to_csv(scratch / "thresholds.csv", index=False)
        check.to_csv(scratch / "predictive.csv", index=False)
        if draws is not None:
            draws.to_csv(scratch / "predictive_draws.csv", index=False)
        bounds = {p.path: (p.low, p.high) for p in setup.priors}
        logs = frozenset(p.path for p in setup.priors if p.prior == "log-uniform")
        title = printable(f"{c.name}: {len(table)} particles, {len(steps)} generations")
        for name, figure in (
            ("posterior.png", plot_posterior(table, bounds, title, logs)),
            ("thresholds.png", plot_thresholds(steps, title)),
        ):
            figure.savefig(scratch / name, dpi=120)
            plt.close(figure)
        scenario = calibrated_scenario(setup, table)
        header = (
            f"{scenario.name}: the scenario '{setup.base.name}' at the posterior medians of the "
            f"calibration '{c.name}'\n(escalation calibrate). Its posterior sample: "
            f"posterior.parquet, SHA-256 {digest}.\nIllustrative: a teaching model fitted to a "
            "few patterns of the record, not a forecast."
        )
        (scratch / "calibrated.toml").write_text(scenario_toml(scenario, header))
        (scratch / "predictive.md").write_text(predictive_md(setup, check))
        (scratch / "report.md").write_text(calibration_report(setup, stats, steps, check))


def _print_calibration(out_dir, setup, table, steps, check) -> None:
    from sim.analysis.timeline import NOT_A_FORECAST
    from sim.record.calibrated import summary

    stats = summary(table, setup)
    view = PlainTable(f"Posterior of {setup.calibration.name}")
    for column in ("parameter", "prior", "median", "90% interval", "of prior"):
        view.add_column(column)
    for row in stats.itertuples():
        view.add_row(row.parameter, row.prior, f"{row.median:.4g}",
                     f"{row.q05:.4g} to {row.q95:.4g}", f"{row.width_of_prior:.0%}")  # fmt: skip
    console.print(view)
    if setup.targets is not None:
        _print_record_check(check)
    else:
        _print_pattern_check(check)
    say(NOT_A_FORECAST)
    say(
        f"Wrote {out_dir}/: posterior.parquet, posterior_summary.csv, thresholds.csv, "
        "posterior.png, thresholds.png, predictive.md, predictive.csv, calibrated.toml, "
        "report.md (history.db: the run's record)"
    )


def _print_record_check(check) -> None:
    from sim.record.fit import interval_text

    view = PlainTable("Posterior-predictive check against the record")
    for column in ("class", "statistic", "role", "record (95%)", "model (95%)", "verdict"):
        view.add_column(column)
    for row in check.to_dict(orient="records"):
        view.add_row(row["class"], row["label"], row["role"], interval_text(row, "record"),
                     interval_text(row, "model"), row["verdict"])  # fmt: skip
    console.print(view)


def _print_pattern_check(check) -> None:
    from sim.record.validate import model_text

    view = PlainTable("Posterior-predictive check")
    for column in ("pattern", "target", "model (95%)", "draws in target", "verdict"):
        view.add_column(column)
    for row in check.itertuples():
        view.add_row(row.pattern, row.target, model_text(row.model, row.model_low, row.model_high),
                     f"{row.draws_in_target:.0%}", row.verdict)  # fmt: skip
    console.print(view)
