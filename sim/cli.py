"""The command line: `escalation run`, `escalation scenarios`, `escalation ensemble`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup
from typer.exceptions import TyperException

from sim.chance import MAX_SEED
from sim.folders import check_folder, claim, folder_name, hold, printable
from sim.scenario import (
    Scenario,
    ScenarioError,
    list_scenario_files,
    load_scenario,
    parse_scenario,
)


class OneLineErrors(TyperGroup):
    """The command group, with a bad option or argument told in one line (exit code 2)."""

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the subcommand; a usage error becomes `error: ...` on stderr and exit 2."""
        try:
            return super().invoke(ctx)
        except TyperException as error:  # typer's own copy of click's exceptions
            usage = getattr(error, "exit_code", None) == 2 and hasattr(error, "format_message")
            if not usage or type(error).__name__ == "NoArgsIsHelpError":  # help: show it
                raise
            message = " ".join(error.format_message().split())
            typer.echo(printable(f"error: {message} (see --help)"), err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=OneLineErrors,
    help="Escalation under a tripwire and a counter-threat: an agent-based model for "
    "exploration and teaching. Its numbers follow from illustrative parameters: they are "
    "not forecasts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
RESULTS = Path("results")

ScenarioArg = Annotated[
    str,
    typer.Argument(
        help="A scenario TOML file, or the name of one in experiments/ (see `escalation "
        "scenarios`).",
        show_default=False,
    ),
]
SeedOpt = Annotated[
    int, typer.Option(min=0, max=MAX_SEED, help="The seed: the same seed gives the same run.")
]
DaysOpt = Annotated[
    int | None,
    typer.Option(
        min=1, max=36_500, help="Horizon in days (default: the scenario's).", show_default=False
    ),
]


ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Write into an --out folder that holds files escalation did not write (files of "
        "the same name are replaced).",
    ),
]
WaitOpt = Annotated[
    bool,
    typer.Option(
        "--wait",
        help="If another escalation command is writing into the same folder, wait for it "
        "to end instead of refusing.",
    ),
]


WorkersOpt = Annotated[
    int,
    typer.Option(min=0, max=1024, help="Worker processes (0: one per core).", show_default=False),
]
ExecutorOpt = Annotated[str, typer.Option(help="local (a process pool) or dask (a Dask cluster).")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        help="With --executor dask: the address of a running scheduler, e.g. "
        "tcp://10.0.0.5:8786 (default: start a local cluster).",
        show_default=False,
    ),
]


def say(text: str, err: bool = False) -> None:
    """Print text with control characters (terminal escape codes) made harmless."""
    typer.echo(printable(text), err=err)


def _one_line(error: BaseException) -> str:
    """An error as one line: an OSError names its file and its reason."""
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror}"
    if isinstance(error, MemoryError):
        return "out of memory; ask for fewer runs, points or smaller chunks"
    if isinstance(error, RecursionError):
        return "input nested too deeply"
    return " ".join(str(error).split()) or type(error).__name__


def fails_cleanly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn bad input, an unusable output folder or a failing disk into one line on stderr
    and exit code 2, with no traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ScenarioError, OSError, MemoryError, RecursionError) as error:
            say(f"error: {_one_line(error)}", err=True)
            raise typer.Exit(2) from None

    return wrapper


def _waiting(message: str) -> None:
    say(message, err=True)


def _scenario(name: str, days: int | None) -> Scenario:
    scenario = load_scenario(name)
    if days is None:
        return scenario
    data = scenario.model_dump(mode="json")
    data["world"]["days"] = days
    return parse_scenario(data)


@app.command()
@fails_cleanly
def run(
    scenario: ScenarioArg,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the outputs (default: results/SCENARIO/seed-N).", show_default=False
        ),
    ] = None,
    twin: Annotated[
        bool,
        typer.Option(
            "--twin",
            help="Also run the four twins (the same random numbers, with missteps, "
            "misreading, attacks or audience costs suppressed) and say which changed the outcome.",
        ),
    ] = False,
    force: ForceOpt = False,
    wait: WaitOpt = False,
) -> None:
    """Run one crisis and tell it day by day.

    Prints a plain-language timeline (each decision with its reason), the outcome and a
    summary; writes the trajectory (trajectory.parquet: day, actor, hostility, belief, troops,
    casualties, action, target), each dyad's course (dyads.parquet), two figures
    (hostility.png, dyads.png: each dyad's rung over time), the timeline (timeline.txt) and the
    run's metrics (result.json), into a new or empty folder or one escalation wrote (else
    --force), holding a lock on it while it writes (see --wait).

    Example: escalation run reassurance --seed 3 --twin
    """
    from sim.model import road_mask, run_model
    from sim.outcomes import Road
    from sim.plots import dyad_data, plot_dyads, plot_trajectory, plt, trajectory_data
    from sim.results import parquet_writer, write_all
    from sim.timeline import (
        NOT_A_FORECAST,
        outcome_line,
        summary_lines,
        timeline_lines,
        twin_lines,
    )

    spec = _scenario(scenario, days)
    # A name is a label: the default folder is derived from it, never a path it spells.
    out_dir = out if out is not None else RESULTS / folder_name(spec.name) / f"seed-{seed}"
    check_folder(out_dir, force)  # refuse before the work rather than after it
    model = run_model(spec, seed=seed)
    lines = [f"Scenario '{spec.name}', seed {seed}: {spec.description}", ""]
    lines += timeline_lines(model) or ["(nothing happened)"]
    lines += ["", outcome_line(model), *summary_lines(model)]
    if twin:
        twins = {road: run_model(spec, seed=seed, suppress=road_mask(road)) for road in Road}
        lines += twin_lines(model, twins)
    lines += ["", NOT_A_FORECAST]
    lines = printable("\n".join(lines)).split("\n")  # no escape codes from names, anywhere
    trajectory = model.trajectory()
    title = printable(f"{spec.name}, seed {seed}: {model.outcome.label}")
    hostility = plot_trajectory(trajectory_data(trajectory, model.events), title=title)
    dyads = plot_dyads(dyad_data(model.dyad_trajectory()), title=title)
    with claim(out_dir, force, wait, _waiting):
        written = write_all(
            out_dir,
            {
                "trajectory.parquet": parquet_writer(trajectory),
                "dyads.parquet": parquet_writer(model.dyad_trajectory()),
                "hostility.png": lambda path: hostility.savefig(path, dpi=120),
                "dyads.png": lambda path: dyads.savefig(path, dpi=120),
                "timeline.txt": lambda path: path.write_text("\n".join(lines) + "\n"),
                "result.json": lambda path: path.write_text(
                    json.dumps(model.result(), default=str, indent=1)
                ),
            },
        )
    plt.close(hostility)
    plt.close(dyads)
    say("\n".join(lines))
    say("\nWrote " + ", ".join(str(p) for p in written))


@app.command()
def scenarios() -> None:
    """List the scenario files in experiments/ with a one-line description each.

    Example: escalation scenarios
    """
    table = Table("scenario", "actors", "description", box=None)
    for path in list_scenario_files():
        try:
            spec = load_scenario(path)
        except ScenarioError as error:
            table.add_row(path.stem, "", f"[red]invalid: {error}[/red]")
            continue
        actors = ", ".join(f"{a.name} ({a.role.value})" for a in spec.actors)
        table.add_row(path.stem, actors, spec.description)
    console.print(table)
    console.print("Run one with: escalation run NAME --seed N", highlight=False)


def _progress(transient: bool = False):
    """A progress bar on stderr: done of total runs, time taken, time left."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    return Progress(*columns, console=Console(stderr=True), transient=transient)


def _print_shares(title: str, frame, label: str) -> None:
    table = Table(title=title, title_justify="left", box=None)
    for column in (label, "runs", "share", "95% interval"):
        table.add_column(column, justify="left" if column == label else "right")
    for row in frame.itertuples():
        interval = "" if row.of == 0 else f"{row.low:.2%} to {row.high:.2%}"
        share = "n/a" if row.of == 0 else f"{row.share:.2%}"
        table.add_row(row.quantity, f"{row.count:,} of {row.of:,}", share, interval)
    console.print(table)


def _print_roads(frame) -> None:
    """Each road's twin: P(escalation), in the twin, the paired difference, the caused share."""
    table = Table(
        title="Roads to war: each run against its twin without that road",
        title_justify="left",
        box=None,
    )
    for column in ("road", "P(war)", "in twin", "difference, points (95%)", "caused (95%)"):
        table.add_column(column, justify="left" if column == "road" else "right", no_wrap=True)
    notes = []
    for row in frame.itertuples():
        difference = (
            f"{100 * row.risk_difference:+.2f} "
            f"({100 * row.rd_low:+.2f} to {100 * row.rd_high:+.2f})"
        )
        if row.caused_share != row.caused_share:  # nan: no escalation at all
            caused = "no escalation"
        else:
            caused = f"{row.caused_share:.0%} ({row.caused_low:.0%}-{row.caused_high:.0%})"
        if row.by_construction:
            caused += " *"
            notes.append(f"* {row.road}: by construction, not a finding: {row.by_construction}.")
        table.add_row(row.road, f"{row.p_escalation:.2%}", f"{row.p_twin:.2%}", difference, caused)
    console.print(table)
    console.print(
        "A road caused an escalation when the run escalated and its twin (the same random "
        "numbers, that road suppressed) did not; one war can need several roads.",
        highlight=False,
    )
    for note in notes:
        console.print(note, highlight=False)


@app.command()
@fails_cleanly
def ensemble(
    scenario: ScenarioArg,
    runs: Annotated[int, typer.Option(min=1, max=100_000_000, help="How many runs.")] = 10_000,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    engine: Annotated[
        str,
        typer.Option(
            help="ensemble (compiled, fast) or agent (the Mesa model, slow); both "
            "give identical runs."
        ),
    ] = "ensemble",
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the outputs (default: results/SCENARIO/ensemble-seed-N).",
            show_default=False,
        ),
    ] = None,
    workers: WorkersOpt = 0,
    chunk_size: Annotated[
        int, typer.Option(min=1, max=1_000_000, help="Runs per task; results do not depend on it.")
    ] = 10_000,
    force: ForceOpt = False,
    wait: WaitOpt = False,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="A posterior sample (posterior.parquet from escalation calibrate): share the "
            "runs out over posterior draws and report P with an interval that holds the "
            "parameters' uncertainty too, beside P at the posterior medians (no twins).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run many runs, each with its four twins, and say which roads lead to war.

    Prints the outcome distribution (ceasefire held, crisis contained, limited war, wider war,
    nuclear use), P(escalation) and P(wider war), and for each road to war (missteps,
    misreading, attacks, commitments) P(escalation) in the run's twin without that road, the
    paired risk difference and the share of escalations that road caused, with 95%
    intervals. Writes runs.parquet (one row a run, with per-dyad columns), attribution.csv,
    roads.csv, outcomes.csv, outcomes.png, roads.png and escalation_days.png. The runs are the
    same whatever the engine, the workers or the chunk size. The output folder must be new,
    empty or one escalation wrote (else --force); a killed earlier run's scratch files are
    removed.

    Example: escalation ensemble reassurance --runs 100000 --seed 1
    """
    import os

    from sim.experiment import MAX_TASKS as MAX_CHUNKS
    from sim.plots import (
        escalation_day_data,
        outcome_data,
        plot_escalation_days,
        plot_outcomes,
        plot_roads,
        plt,
        road_data,
    )
    from sim.results import ParquetStream, staging
    from sim.runs import ENGINES, chunks, iter_tables, stop_on_interrupt
    from sim.summaries import Tally
    from sim.timeline import NOT_A_FORECAST

    if engine not in ENGINES:
        raise ScenarioError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if -(-runs // chunk_size) > MAX_CHUNKS:  # the task list itself would not fit in memory
        raise ScenarioError(
            f"--runs {runs:,} in chunks of {chunk_size:,} makes more than {MAX_CHUNKS:,} "
            "chunks; give a larger --chunk-size"
        )
    spec = _scenario(scenario, days)
    if posterior is not None:
        if engine != "ensemble":
            raise ScenarioError("--posterior runs on the ensemble engine only")
        _posterior_ensemble(spec, posterior, runs, seed, out, workers, chunk_size, force, wait)
        return
    tasks = chunks(spec, runs, seed, chunk_size, engine)  # type: ignore[arg-type]
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    out_dir = out if out is not None else RESULTS / folder_name(spec.name) / f"ensemble-seed-{seed}"
    tally = Tally(spec.world.days, spec.world.escalation_rung)
    try:
        with (
            claim(out_dir, force, wait, _waiting),
            stop_on_interrupt() as stop,
            staging(out_dir) as scratch,
            ParquetStream(scratch / "runs.parquet") as sink,
            _progress(transient=True) as progress,
        ):
            bar = progress.add_task("runs", total=runs)
            for table in iter_tables(tasks, workers, stop=stop):
                sink.write(table)
                tally.add(table)
                progress.advance(bar, len(table))
            attribution, outcomes = tally.attribution(), tally.outcome_shares()
            roads = tally.roads(spec)
            attribution.to_csv(scratch / "attribution.csv", index=False)
            roads.to_csv(scratch / "roads.csv", index=False)
            outcomes.to_csv(scratch / "outcomes.csv", index=False)
            title = printable(f"{spec.name}: {runs:,} runs, seed {seed}")
            for name, figure in (
                ("outcomes.png", plot_outcomes(outcome_data(tally), title=title)),
                ("roads.png", plot_roads(road_data(roads), title=title)),
                (
                    "escalation_days.png",
                    plot_escalation_days(escalation_day_data(tally), title=title),
                ),
            ):
                figure.savefig(scratch / name, dpi=120)
                plt.close(figure)
    except KeyboardInterrupt:
        say(f"Interrupted: nothing was written to {out_dir}.", err=True)
        raise typer.Exit(130) from None
    say(
        f"Scenario '{spec.name}': {runs:,} runs, each with its four twins, seed {seed}, engine "
        f"{engine}; escalation = some dyad reaching rung {spec.world.escalation_rung}."
    )
    _print_shares("Outcomes", outcomes, "outcome")
    _print_shares("Escalation", attribution, "quantity")
    say(
        "The two rows given a misstep compare different runs (those with incidents and those "
        "without), so they are no causal measure: the roads table below is."
    )
    _print_roads(roads)
    say(NOT_A_FORECAST)
    say(
        f"Wrote {out_dir}/: runs.parquet, attribution.csv, roads.csv, outcomes.csv, "
        "outcomes.png, roads.png, escalation_days.png"
    )


def _posterior_ensemble(
    spec: Scenario,
    posterior: Path,
    runs: int,
    seed: int,
    out: Path | None,
    workers: int,
    chunk_size: int,
    force: bool,
    wait: bool,
) -> None:
    """`escalation ensemble --posterior`: runs over posterior draws (see sim.posterior)."""
    import os

    import pandas as pd

    from sim.calibrate import read_posterior
    from sim.posterior import indicators, posterior_summary, posterior_tasks
    from sim.results import ParquetStream, staging
    from sim.runs import iter_tables, stop_on_interrupt
    from sim.timeline import NOT_A_FORECAST

    table = read_posterior(posterior, spec)
    made = table.attrs.get("provenance", {})
    if made.get("days") not in (None, spec.world.days):
        say(
            f"Note: the posterior was fitted on {made['days']}-day runs; these runs last "
            f"{spec.world.days} days (--days to match)."
        )
    tasks, owners, _ = posterior_tasks(spec, table, runs, seed, chunk_size)
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    out_dir = (
        out if out is not None else RESULTS / folder_name(spec.name) / f"posterior-seed-{seed}"
    )
    counts: dict[int, pd.Series] = {}
    try:
        with (
            claim(out_dir, force, wait, _waiting),
            stop_on_interrupt() as stop,
            staging(out_dir) as scratch,
            ParquetStream(scratch / "runs.parquet") as sink,
            _progress(transient=True) as progress,
        ):
            bar = progress.add_task("runs", total=2 * runs)
            for owner, part in zip(owners, iter_tables(tasks, workers, stop=stop), strict=True):
                sink.write(part.assign(draw=owner))
                tally = indicators(part).sum()
                tally["runs"] = len(part)
                counts[owner] = counts[owner] + tally if owner in counts else tally
                progress.advance(bar, len(part))
            frame = posterior_summary(pd.DataFrame(counts).T)
            frame.to_csv(scratch / "posterior_outcomes.csv", index=False)
    except KeyboardInterrupt:
        say(f"Interrupted: nothing was written to {out_dir}.", err=True)
        raise typer.Exit(130) from None
    draws = int(frame["draws"].iloc[0])
    view = Table(
        title=f"{spec.name} over the posterior {posterior} ({runs:,} runs over {draws} draws, "
        f"seed {seed})",
        title_justify="left",
        box=None,
    )
    for column in ("quantity", "P (posterior)", "95% posterior interval", "P at medians (95%)"):
        view.add_column(column, justify="left" if column == "quantity" else "right")
    for row in frame.itertuples():
        view.add_row(
            row.quantity,
            f"{row.posterior:.2%}",
            f"{row.posterior_low:.2%} to {row.posterior_high:.2%}",
            f"{row.point:.2%} ({row.point_low:.2%} to {row.point_high:.2%})",
        )
    console.print(view)
    say(
        "The posterior interval is the 2.5-97.5% range over posterior draws of each draw's own "
        f"P ({runs // max(draws, 1):,} runs each): the parameters' uncertainty and the runs' "
        "noise together. The interval at the medians holds the runs' noise only. No twins "
        "are run here (run `escalation ensemble` on calibrated.toml for the roads)."
    )
    say(NOT_A_FORECAST)
    say(
        f"Wrote {out_dir}/: runs.parquet (a column 'draw'; -1: the medians), posterior_outcomes.csv"
    )


@app.command()
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
    import os

    from sim.experiment import load_experiment
    from sim.runs import stop_on_interrupt
    from sim.sweep import executor_for, finish, prepare, run_sweep, tasks_of, verify_chunks

    if executor not in ("local", "dask"):
        raise ScenarioError(f"--executor must be local or dask, got {executor!r}")
    spec, base, text = load_experiment(experiment)
    out_dir = out if out is not None else RESULTS / folder_name(spec.name)
    with claim(out_dir, force, wait, _waiting):
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
        workers = min(workers or os.cpu_count() or 1, max(len(todo), 1))
        try:
            with (
                stop_on_interrupt() as stop,
                executor_for(executor, workers, scheduler) as pool,
                _progress() as progress,
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
        summary = finish(out_dir, base, tasks)
        if spec.series:  # the analyst's toolkit: daily quantile bands of the first runs
            from sim.series import record_series

            say(f"Recording {spec.series:,} runs per point day by day (the Mesa engine)...")
            try:
                with (
                    executor_for(executor, workers, scheduler) as pool,
                    _progress() as progress,
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


def _finished_sweep(results: Path, read_manifest: Callable[[Path], dict]) -> None:
    """Refuse, before anything is written, a folder that is not a sweep's with its manifest."""
    if not (results / "manifest.json").is_file():
        raise ScenarioError(
            f"{results}: not a finished sweep (no manifest.json); run `escalation sweep` first"
        )
    read_manifest(results)


ResultsArg = Annotated[
    Path,
    typer.Argument(
        help="A sweep's results folder, e.g. results/troops_threat.", show_default=False
    ),
]


@app.command()
@fails_cleanly
def plot(results: ResultsArg) -> None:
    """Draw every figure of a finished sweep into RESULTS/figures.

    A heatmap of the headline probability over two swept parameters, lines with 95% bands,
    the outcome mix, what each road to war adds (run minus twin), Kaplan-Meier curves of the
    time to escalation, and Sobol indices for a Sobol design.

    Example: escalation plot results/troops_threat
    """
    from sim.report import make_figures
    from sim.sweep import read_manifest

    _finished_sweep(results, read_manifest)
    with hold(results):
        for path in make_figures(results):
            say(f"Wrote {path}")


@app.command()
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
    from sim.report import write_report
    from sim.sweep import read_manifest

    _finished_sweep(results, read_manifest)
    with hold(results):
        say(f"Report: {write_report(results)}")


PatternsOpt = Annotated[
    Path | None,
    typer.Option(
        "--patterns",
        help='A patterns file (TOML, kind = "patterns"; default: the shipped record, '
        "experiments/patterns/record.toml).",
        show_default=False,
    ),
]


@app.command()
@fails_cleanly
def validate(
    scenario: ScenarioArg,
    patterns: PatternsOpt = None,
    runs: Annotated[
        int, typer.Option(min=100, max=10_000_000, help="Runs of the scenario (no twins).")
    ] = 20_000,
    seed: SeedOpt = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the outputs (default: results/SCENARIO/validate-seed-N).",
            show_default=False,
        ),
    ] = None,
    workers: WorkersOpt = 0,
    force: ForceOpt = False,
    wait: WaitOpt = False,
) -> None:
    """Check a scenario against the patterns of the historical record.

    Runs the scenario, computes each pattern's quantity (for example the share of disputes
    that reach war, or P(war within 90 days of an incident)) with its 95% interval, and gives
    a verdict against the pattern's target: consistent (the intervals overlap), too high or
    too low. Prints the table and writes validation.md and validation.csv. Exits 0 whatever
    the verdicts: it reports; a bad scenario or patterns file exits 2.

    Example: escalation validate reassurance --runs 20000 --seed 1
    """
    import os

    from sim.patterns import by_construction, load_patterns
    from sim.results import staging
    from sim.runs import stop_on_interrupt
    from sim.timeline import NOT_A_FORECAST
    from sim.validate import markdown, model_text, pattern_table, validation_runs

    spec = _scenario(scenario, None)
    every = load_patterns(patterns)
    chosen = [p for p in every if p.applies(spec.name)]
    skipped = [p.name for p in every if not p.applies(spec.name)]
    if not chosen:
        raise ScenarioError(f"no pattern in the patterns file applies to scenario {spec.name!r}")
    out_dir = out if out is not None else RESULTS / folder_name(spec.name) / f"validate-seed-{seed}"
    workers = workers or os.cpu_count() or 1
    try:
        with (
            claim(out_dir, force, wait, _waiting),
            stop_on_interrupt() as stop,
            staging(out_dir) as scratch,
            _progress(transient=True) as progress,
        ):
            bar = progress.add_task("runs", total=runs)
            table = validation_runs(
                spec, chosen, runs, seed, workers, stop=stop,
                advance=lambda n: progress.advance(bar, n),
            )  # fmt: skip
            result = pattern_table(chosen, table)
            notes = [
                f"{p.name}: by construction, not a finding: {why}."
                for p in chosen
                if (why := by_construction(p.quantity, spec))
            ]
            preamble = (
                f"Scenario '{spec.name}', {runs:,} runs (seed {seed}). A verdict compares the "
                "model's 95% interval with the target's: consistent if they overlap. "
                + " ".join(notes)
                + (f" Not applicable here: {', '.join(skipped)}." if skipped else "")
                + f" {NOT_A_FORECAST}"
            )
            result.to_csv(scratch / "validation.csv", index=False)
            text = markdown(result, f"Validation of {spec.name} against the record", preamble)
            (scratch / "validation.md").write_text(text)
    except KeyboardInterrupt:
        say(f"Interrupted: nothing was written to {out_dir}.", err=True)
        raise typer.Exit(130) from None
    table_view = Table(title=f"{spec.name} against the record ({runs:,} runs, seed {seed})",
                       title_justify="left", box=None)  # fmt: skip
    for column in ("pattern", "target", "model (95%)", "verdict"):
        table_view.add_column(column, justify="left")
    for row in result.itertuples():
        model = model_text(row.model, row.model_low, row.model_high)
        table_view.add_row(row.pattern, row.target, model, row.verdict)
    console.print(table_view)
    for note in notes:
        say(note)
    if skipped:
        say(f"Not applicable to {spec.name}: {', '.join(skipped)}.")
    say(NOT_A_FORECAST)
    say(f"Wrote {out_dir}/: validation.md, validation.csv")


@app.command()
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
    """Fit scenario parameters to the patterns of the record by ABC-SMC (pyabc).

    The calibration file names the base scenario, the parameters with their priors, the
    patterns to fit, the runs per simulation, the population, the generations (or a final
    tolerance) and the seed. Each generation is kept in history.db (pyabc's SQLite record):
    after Ctrl-C or kill -9 the same command resumes from it, and gives the posterior an
    uninterrupted run gives; a changed calibration file is refused. Writes posterior.parquet
    (the last generation's particles and weights), posterior_summary.csv, thresholds.csv,
    posterior.png, thresholds.png, predictive.md/.csv (the validation table on posterior
    draws), calibrated.toml (the base scenario at the posterior medians) and report.md.

    Example: escalation calibrate experiments/calibration/reassurance.toml
    """
    import os

    from sim.calibrate import (
        DATABASE,
        MANIFEST,
        load_calibration,
        posterior,
        predictive_check,
        run_calibration,
        thresholds,
    )
    from sim.sweep import executor_for, write_atomically

    if executor not in ("local", "dask"):
        raise ScenarioError(f"--executor must be local or dask, got {executor!r}")
    setup = load_calibration(calibration)
    c = setup.calibration
    workers = workers or os.cpu_count() or 1
    out_dir = out if out is not None else RESULTS / "calibrations" / folder_name(c.name)
    try:
        with claim(out_dir, force, wait, _waiting), contextlib.ExitStack() as stack:
            manifest = out_dir / MANIFEST
            resuming = (out_dir / DATABASE).exists()
            if resuming:
                try:
                    known = json.loads(manifest.read_text()).get("fingerprint")
                except (OSError, ValueError, AttributeError):
                    known = None
                if known != setup.fingerprint:
                    raise ScenarioError(
                        f"{out_dir}: holds a calibration made from another calibration file "
                        "(or one it cannot verify); give another --out, or remove the folder "
                        "to start again"
                    )
            else:
                record = {"fingerprint": setup.fingerprint, "calibration": c.model_dump()}
                text = json.dumps(record, indent=2)
                write_atomically(manifest, lambda path: path.write_text(text))
            pool = None
            if executor == "dask" or workers > 1:
                pool = stack.enter_context(executor_for(executor, workers, scheduler))
            progress = stack.enter_context(_progress())
            bar = progress.add_task("generation", total=c.generations * c.population)

            def on_generation(t: int, total: int) -> None:
                progress.update(bar, completed=t * c.population,
                                description=f"generation {t + 1} of {total}")  # fmt: skip

            history = run_calibration(
                setup, out_dir, pool, on_generation, lambda n: progress.advance(bar, n)
            )
            progress.update(bar, description="predictive check")
            table = posterior(history, setup)
            steps = thresholds(history)
            check = predictive_check(setup, table, workers if pool is None else 1, pool)
            progress.update(bar, completed=c.generations * c.population)
            _write_calibration(out_dir, setup, table, steps, check)
    except KeyboardInterrupt:  # the pool's workers are stopped by executor_for on the way out
        say(
            f"Interrupted: the finished generations are kept in {out_dir / 'history.db'}; "
            "the same command resumes from them.",
            err=True,
        )
        raise typer.Exit(130) from None
    _print_calibration(out_dir, setup, table, steps, check)


PREDICTIVE = (
    "Each pattern's model value and its 95% interval pool every run of the posterior draws, "
    "and the verdict compares that interval with the target; the draws' own 5-95% range and "
    "the share of draws whose value lies inside the target say how much of the posterior "
    "meets the pattern."
)


def _write_calibration(out_dir, setup, table, steps, check) -> None:
    """A finished calibration's files, each landing whole (sim.results.staging)."""
    import hashlib

    from sim.calibrate import calibrated_scenario, scenario_toml, summary, write_posterior
    from sim.plots import plt
    from sim.posterior_plots import plot_posterior, plot_thresholds
    from sim.results import staging
    from sim.validate import markdown

    c = setup.calibration
    with staging(out_dir) as scratch:
        write_posterior(table, scratch / "posterior.parquet", setup)
        digest = hashlib.sha256((scratch / "posterior.parquet").read_bytes()).hexdigest()
        stats = summary(table, setup)
        stats.to_csv(scratch / "posterior_summary.csv", index=False)
        steps.to_csv(scratch / "thresholds.csv", index=False)
        check.to_csv(scratch / "predictive.csv", index=False)
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
        (scratch / "predictive.md").write_text(
            markdown(check, f"Posterior-predictive check of {c.name}", PREDICTIVE)
        )
        (scratch / "report.md").write_text(_calibration_report(setup, stats, steps, check))


def _calibration_report(setup, stats, steps, check) -> str:
    """A short write-up: what the patterns pin down and what they leave free."""
    from sim.timeline import NOT_A_FORECAST
    from sim.validate import markdown

    c = setup.calibration
    lines = [
        f"# Calibration {c.name}",
        "",
        f"Base scenario `{setup.base.name}`; patterns fitted: "
        + ", ".join(f"`{p.name}`" for p in setup.patterns)
        + f". ABC-SMC (pyabc), population {c.population}, {len(steps)} generations, "
        f"{c.runs:,} runs a simulation, seed {c.seed}; "
        f"{int(steps['simulations'].sum()):,} simulations "
        f"({int(steps['simulations'].sum()) * c.runs:,} model runs).",
        "",
        "| parameter | prior | posterior median | 90% interval | width against the prior's |",
        "|---|---|---|---|---|",
    ]
    for row in stats.itertuples():
        verdict = (
            "pinned down" if row.width_of_prior < 0.5
            else ("left free" if row.width_of_prior > 0.8 else "narrowed")
        )  # fmt: skip
        lines.append(
            f"| `{row.parameter}` | {row.prior} | {row.median:.4g} | {row.q05:.4g} to "
            f"{row.q95:.4g} | {row.width_of_prior:.0%} ({verdict}) |"
        )
    lines += [
        "",
        "| generation | threshold | simulations | acceptance | effective particles |",
        "|---|---|---|---|---|",
    ]
    for row in steps.itertuples():
        lines.append(
            f"| {row.generation} | {row.threshold:.3g} | {row.simulations:,} | "
            f"{row.acceptance:.0%} | {row.effective_particles:.0f} |"
        )
    lines += [
        "",
        "The last column is the posterior's 90% interval over the prior's own (in logs for a "
        "log-uniform prior): near 100%, the patterns leave the parameter free, and results "
        "that depend on it inherit the prior. The posterior holds the parameters whose runs "
        "met the patterns within the final threshold, not exactly.",
        "",
        markdown(check, "Posterior-predictive check", PREDICTIVE).replace("# Post", "## Post"),
        NOT_A_FORECAST,
        "",
    ]
    return "\n".join(lines)


def _print_calibration(out_dir, setup, table, steps, check) -> None:
    from sim.calibrate import summary
    from sim.timeline import NOT_A_FORECAST
    from sim.validate import model_text

    stats = summary(table, setup)
    view = Table(title=f"Posterior of {setup.calibration.name}", title_justify="left", box=None)
    for column in ("parameter", "prior", "median", "90% interval", "of prior"):
        view.add_column(column)
    for row in stats.itertuples():
        view.add_row(row.parameter, row.prior, f"{row.median:.4g}",
                     f"{row.q05:.4g} to {row.q95:.4g}", f"{row.width_of_prior:.0%}")  # fmt: skip
    console.print(view)
    view = Table(title="Posterior-predictive check", title_justify="left", box=None)
    for column in ("pattern", "target", "model (95%)", "draws in target", "verdict"):
        view.add_column(column)
    for row in check.itertuples():
        view.add_row(row.pattern, row.target, model_text(row.model, row.model_low, row.model_high),
                     f"{row.draws_in_target:.0%}", row.verdict)  # fmt: skip
    console.print(view)
    say(NOT_A_FORECAST)
    say(
        f"Wrote {out_dir}/: posterior.parquet, posterior_summary.csv, thresholds.csv, "
        "posterior.png, thresholds.png, predictive.md, predictive.csv, calibrated.toml, "
        "report.md (history.db: the run's record)"
    )


# -- the analyst's toolkit: scenario discovery -------------------------------------------


@app.command()
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
    from sim.report import write_discovery
    from sim.sweep import read_manifest

    methods = {"prim": ("prim",), "cart": ("cart",), "both": ("prim", "cart")}
    if method not in methods:
        raise ScenarioError(f"--method must be prim, cart or both, got {method!r}")
    from sim.discovery import outcome_column

    outcome_column(outcome)
    _finished_sweep(results, read_manifest)
    with hold(results):
        for path in write_discovery(results, outcome, methods[method], min_coverage, boxes):
            say(f"Wrote {path}")


# -- the analyst's toolkit: EMA Workbench export ------------------------------------------


@app.command(name="export-ema")
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
    from sim.ema import save_ema, sweep_as_ema
    from sim.sweep import read_manifest, write_atomically

    if per not in ("point", "run"):
        raise ScenarioError(f"--per must be point or run, got {per!r}")
    _finished_sweep(results, read_manifest)
    with hold(results):
        exported = sweep_as_ema(results, per)
        path = results / f"ema_{per}.tar.gz"
        write_atomically(path, lambda p: save_ema(exported, p))
    say(f"Wrote {path}: {len(exported[0]):,} experiments, {len(exported[1])} outcomes")


@app.command(name="app")
def teaching_app(
    port: Annotated[int, typer.Option(min=1024, max=65535, help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """Start the teaching app in the browser, on 127.0.0.1 (works offline).

    One run as it unfolds (Play in days per second, Step, Reset; each dyad's rung, the
    actors as a network, the day's decisions with their reasons, the event log, the outcome
    and the run's twins), many runs (300 or 3,000) with P(limited war), P(wider war),
    P(nuclear use) and what each road to war caused, A/B comparison, lesson presets, and
    downloads. Settings apply at once and live in the page's address. Open the address it
    prints; stop it with Ctrl-C (or SIGTERM: the command becomes the server, so nothing
    outlives it).

    Example: escalation app --port 8765
    """
    import os
    import sys

    try:
        import solara  # noqa: F401
    except ImportError:
        typer.echo("error: the app needs its extra: pip install 'escalation-sim[app]'", err=True)
        raise typer.Exit(2) from None
    app_file = Path(__file__).with_name("app.py")
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(app_file),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-open",
        "--production",
    ]
    # Solara's "This website runs on Solara" banner would cover the page's lower right corner.
    os.environ["SOLARA_THEME_SHOW_BANNER"] = "false"
    sys.stdout.flush()
    sys.stderr.flush()
    # Become the server (exec) rather than wait for a child: SIGTERM or SIGINT sent to this
    # PID then reaches the server itself, and nothing outlives the command.
    os.execv(sys.executable, command)


@app.command()
def parameters() -> None:
    """Print every parameter with its symbol, meaning, default, range and source.

    These are the defaults the model, the scenario files and the docs share.

    Example: escalation parameters
    """
    from sim.reference import parameter_tables

    typer.echo(parameter_tables())
