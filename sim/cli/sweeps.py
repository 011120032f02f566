"""Commands for sweeps: `sweep` runs an experiment file; `plot`, `report`, `discover` and
`export-ema` analyse a finished sweep's folder (they never run the model)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    RESULTS,
    ExecutorOpt,
    ForceOpt,
    ResultsArg,
    SchedulerOpt,
    WaitOpt,
    WorkersOpt,
    app,
    fails_cleanly,
    progress_bar,
    say,
    waiting,
    worker_count,
)
from sim.experiments.folders import claim, folder_name, hold
from sim.model.scenario import (
    ScenarioError,
)


@app.command(rich_help_panel="Sweeps and their analysis")
@fails_cleanly
def sweep(
    experiment: Annotated[
        str,
        typer.Argument(
            help="An experiment TOML file, or the name of one in experiments/.", show_default=False
        ),
    ],
    workers: WorkersOpt = 0,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Results folder (default: results/EXPERIMENT).", show_default=False),
    ] = None,
    force: ForceOpt = False,
    wait: WaitOpt = False,
) -> None:
    """Run a parameter sweep declared in an experiment file, resumably.

    Tasks are chunks of runs, each written to its own Parquet file as it finishes; running
    the same command again resumes an interrupted sweep, and a changed experiment is refused
    rather than mixed in. Every chunk's identity and checksum are recorded (chunks.jsonl); a
    resume verifies them and recomputes, saying so, any chunk that is missing, damaged or
    not the one it claims to be. Ctrl-C stops at a chunk boundary, saving the chunks already
    handed to the workers (a second Ctrl-C stops at once). One command at a time writes
    into a folder: another is refused, naming it, or waits with --wait. When every chunk is
    there, summary.csv gives each point's outcome probabilities with 95% intervals; with
    `series = N` in the experiment, the first N runs of each point are then followed day
    by day (series.parquet). Then: escalation report RESULTS_DIR.

    Example: escalation sweep troops_threat --workers 2
    """
    from sim.analysis.sweep_stats import summarise_sweep
    from sim.experiments.experiment import load_experiment
    from sim.experiments.runs import stop_on_interrupt
    from sim.experiments.sweep import (
        executor_for,
        prepare,
        run_sweep,
        tasks_of,
        verify_chunks,
    )

    if executor not in ("local", "dask"):
        raise ScenarioError(f"--executor must be local or dask, got {executor!r}")
    spec, base, text = load_experiment(experiment)
    out_dir = out if out is not None else RESULTS / folder_name(spec.name)
    with claim(out_dir, force, wait, waiting):
        prepare(out_dir, spec, base, text)
        tasks = tasks_of(spec, base)
        todo, problems = verify_chunks(out_dir, tasks)
        if problems:  # never trust a chunk that is not what it claims to be: run it again
            say(
                f"Recomputing {len(problems):,} chunk file(s) that failed verification: "
                + "; ".join(problems[:3])
                + (" ..." if len(problems) > 3 else ""),
                err=True,
            )
        total = sum(t.chunk.stop - t.chunk.start for t in tasks)
        left = sum(t.chunk.stop - t.chunk.start for t in todo)
        if left < total:
            say(f"Resuming: {total - left:,} of {total:,} runs are already done (verified).")
        workers = min(worker_count(workers), max(len(todo), 1))
        try:
            with (
                stop_on_interrupt() as stop,
                executor_for(executor, workers, scheduler) as pool,
                progress_bar() as progress,
            ):
                bar = progress.add_task("runs", total=total, completed=total - left)
                run_sweep(
                    spec,
                    base,
                    text,
                    out_dir,
                    pool,
                    on_progress=lambda n: progress.advance(bar, n),
                    tasks=tasks,
                    stop=stop,
                    todo=todo,
                )
        except KeyboardInterrupt:
            say("Interrupted: finished chunks are saved; run the same command to resume.", err=True)
            raise typer.Exit(130) from None
        summary = summarise_sweep(out_dir, base, tasks)
        stopped = int(summary["stopped"].sum())
        if stopped:
            say(
                f"Note: {stopped:,} runs at {int((summary['stopped'] > 0).sum()):,} point(s) "
                "stopped when a hostility left the finite range (summary.csv, column "
                "'stopped'); they are left out of every share."
            )
        if spec.series:  # the analyst's toolkit: daily quantile bands of the first runs
            from sim.experiments.series import record_series

            say(f"Recording {spec.series:,} runs per point day by day (the Mesa engine)...")
            try:
                with (
                    executor_for(executor, workers, scheduler) as pool,
                    progress_bar() as progress,
                ):
                    bar = progress.add_task("series", total=spec.series * len(summary))
                    record_series(out_dir, spec, base, pool, lambda n: progress.advance(bar, n))
            except KeyboardInterrupt:
                say("Interrupted: the runs are saved; run the same command to record the "
                    "series.", err=True)  # fmt: skip
                raise typer.Exit(130) from None
    say(
        f"Sweep '{spec.name}' done: {len(summary):,} points × {spec.replicates:,} "
        f"replicates = {total:,} runs with their twins, in {out_dir}/"
    )
    say(f"Per-point summary: {out_dir / 'summary.csv'}. Next: escalation report {out_dir}")


def finished_sweep(results: Path) -> None:
    """Refuse, before anything is written, a folder that is not a sweep's with its manifest."""
    from sim.experiments.manifest import read_manifest

    if not os.path.lexists(results / "manifest.json"):
        raise ScenarioError(
            f"{results}: not a finished sweep (no manifest.json); run `escalation sweep` first"
        )
    read_manifest(results)


@app.command(rich_help_panel="Sweeps and their analysis")
@fails_cleanly
def plot(results: ResultsArg) -> None:
    """Draw every figure of a finished sweep into RESULTS/figures.

    A heatmap of the headline probability over two swept parameters, lines with 95% bands,
    the outcome mix, what each road to war adds (run minus twin), Kaplan-Meier curves of the
    time to escalation, and Sobol indices for a Sobol design.

    Example: escalation plot results/troops_threat
    """
    from sim.analysis.report.document import make_figures

    finished_sweep(results)
    with hold(results):
        for path in make_figures(results):
            say(f"Wrote {path}")


@app.command(rich_help_panel="Sweeps and their analysis")
@fails_cleanly
def report(results: ResultsArg) -> None:
    """Write RESULTS/report.md: the experiment, its tables and its figures.

    Besides the per-point table and figures: Cox hazard ratios of the time to escalation
    beside Kaplan-Meier curves with 95% bands; for a design with `series`, the daily
    quantile bands; for an xlrm design, each policy's robustness (worst case, regret,
    satisficing share); extra-trees feature scores; Sobol or Morris indices for those
    designs; and scenario discovery (PRIM, CART) for the experiment's first outcome (see
    `escalation discover` for others).

    Example: escalation report results/troops_threat
    """
    from sim.analysis.report.document import write_report

    finished_sweep(results)
    with hold(results):
        say(f"Report: {write_report(results)}")


@app.command(rich_help_panel="Sweeps and their analysis")
@fails_cleanly
def discover(
    results: ResultsArg,
    outcome: Annotated[
        str,
        typer.Option(
            help="The outcome to explain: one of the five outcomes ('wider war', ...), "
            "escalated, widened, misstep_happened, caused_by_ROAD or twin_ROAD_escalated.",
            show_default=False,
        ),
    ],
    method: Annotated[
        str, typer.Option(help="prim (a box of inputs), cart (a tree) or both.")
    ] = "both",
    min_coverage: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="PRIM: the chosen box is the densest whose coverage is at least this.",
        ),
    ] = 0.5,
    boxes: Annotated[
        int,
        typer.Option(
            min=1,
            max=10,
            help="PRIM: how many boxes, each found among the runs the boxes before it leave "
            "out (fewer if PRIM finds no more).",
        ),
    ] = 1,
) -> None:
    """Find which combinations of the swept inputs lead to an outcome (scenario discovery).

    Reads a finished sweep (LHS and Sobol designs suit it best), one row a run, and fits
    PRIM (the peeling trajectory, coverage against density, and the chosen box's limits
    with their quasi-p-values; --boxes for more than one) and a CART tree, both from
    ema_workbench. Writes RESULTS/discovery_OUTCOME.md and the figures prim_OUTCOME.png
    (prim_OUTCOME_boxK.png for further boxes) and cart_OUTCOME.png
    into RESULTS/figures. `escalation report` includes the same section for the
    experiment's first outcome.

    Example: escalation discover results/reassurance_lhs --outcome "wider war"
    """
    from sim.analysis.report.document import write_discovery

    methods = {"prim": ("prim",), "cart": ("cart",), "both": ("prim", "cart")}
    if method not in methods:
        raise ScenarioError(f"--method must be prim, cart or both, got {method!r}")
    from sim.analysis.discovery import outcome_column

    outcome_column(outcome)
    finished_sweep(results)
    with hold(results):
        for path in write_discovery(results, outcome, methods[method], min_coverage, boxes):
            say(f"Wrote {path}")


@app.command(name="export-ema", rich_help_panel="Sweeps and their analysis")
@fails_cleanly
def export_ema(
    results: ResultsArg,
    per: Annotated[
        str,
        typer.Option(help="point (one experiment a point: probabilities) or run (one a run)."),
    ] = "point",
) -> None:
    """Export a finished sweep's results in EMA Workbench's (experiments, outcomes) form.

    Writes RESULTS/ema_PER.tar.gz with ema_workbench's own save_results, so an EMA user
    loads it with ema_workbench.load_results and goes on with EMA's analyses. Per point:
    the design's parameter values and each outcome's probability (summary.csv); per run:
    each run's point values, point and run index, each outcome as 0 or 1, max_rung and
    end_day. Parameter paths become identifiers (guarantor.troops: guarantor__troops).

    Example: escalation export-ema results/troops_threat --per run
    """
    from sim.analysis.ema import save_ema, sweep_as_ema
    from sim.experiments.results import write_atomically

    if per not in ("point", "run"):
        raise ScenarioError(f"--per must be point or run, got {per!r}")
    finished_sweep(results)
    with hold(results):
        exported = sweep_as_ema(results, per)
        path = write_atomically(results, f"ema_{per}.tar.gz", lambda p: save_ema(exported, p))
    say(f"Wrote {path}: {len(exported[0]):,} experiments, {len(exported[1])} outcomes")
