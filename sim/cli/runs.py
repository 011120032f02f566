"""Commands that run a scenario: `run` (one crisis, told day by day) and `ensemble` (many
runs, each with its twins, and what each road to war caused)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    RESULTS,
    DaysOpt,
    ForceOpt,
    PlainTable,
    ScenarioArg,
    SeedOpt,
    WaitOpt,
    WorkersOpt,
    app,
    console,
    fails_cleanly,
    progress_bar,
    say,
    scenario_of,
    waiting,
    worker_count,
)
from sim.experiments.folders import check_folder, claim, folder_name, printable
from sim.model.scenario import (
    ScenarioError,
)


@app.command(rich_help_panel="Runs")
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
            help="Also run the six twins (the same random numbers, with missteps, misreading, "
            "attacks, warnings' audience costs, the face of holding after harm or slips "
            "suppressed) and say which changed the outcome.",
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
    from sim.analysis.plots.run import dyad_data, plot_dyads, plot_trajectory, trajectory_data
    from sim.analysis.plots.style import plt
    from sim.analysis.timeline import (
        NOT_A_FORECAST,
        outcome_line,
        summary_lines,
        timeline_lines,
        twin_lines,
    )
    from sim.experiments.results import parquet_writer, write_all
    from sim.model.mesa_model import road_mask, run_model
    from sim.model.outcomes import Road

    spec = scenario_of(scenario, days)
    # A name is a label: the default folder is derived from it, never a path it spells.
    out_dir = out if out is not None else RESULTS / folder_name(spec.name) / f"seed-{seed}"
    check_folder(out_dir, force)  # refuse before the work rather than after it
    model = run_model(spec, seed=seed)
    out_of_range(model, spec, "The run")
    lines = [f"Scenario '{spec.name}', seed {seed}: {spec.description}", ""]
    lines += timeline_lines(model) or ["(nothing happened)"]
    lines += ["", outcome_line(model), *summary_lines(model)]
    if twin:
        twins = {road: run_model(spec, seed=seed, suppress=road_mask(road)) for road in Road}
        for road, model_twin in twins.items():
            out_of_range(model_twin, spec, f"Its twin without {road.label}")
        lines += twin_lines(model, twins)
    lines += ["", NOT_A_FORECAST]
    lines = printable("\n".join(lines)).split("\n")  # no escape codes from names, anywhere
    trajectory = model.trajectory()
    title = printable(f"{spec.name}, seed {seed}: {model.outcome.label}")
    hostility = plot_trajectory(trajectory_data(trajectory, model.events), title=title)
    dyads = plot_dyads(dyad_data(model.dyad_trajectory()), title=title)
    with claim(out_dir, force, wait, waiting):
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


def out_of_range(model, spec, what: str) -> None:
    """Refuse, in one line naming the parameters, a run stopped out of the finite range."""
    from sim.model.finite import HOSTILITY_LIMIT, RUNAWAY, drivers
    from sim.model.outcomes import TERMINATED

    if model.metrics[TERMINATED] == RUNAWAY:
        raise ScenarioError(
            f"{what} stopped on day {model.day:,}: a hostility passed {HOSTILITY_LIMIT:g} on "
            f"its way out of the finite range, driven by {drivers(spec)}; lower the reaction "
            "or raise the restraint"
        )


def print_shares(title: str, frame, label: str) -> None:
    table = PlainTable(title)
    for column in (label, "runs", "share", "95% interval"):
        table.add_column(column, justify="left" if column == label else "right")
    for row in frame.itertuples():
        interval = "" if row.of == 0 else f"{row.low:.2%} to {row.high:.2%}"
        share = "n/a" if row.of == 0 else f"{row.share:.2%}"
        table.add_row(row.quantity, f"{row.count:,} of {row.of:,}", share, interval)
    console.print(table)


def print_roads(frame) -> None:
    """Each road's twin: P(escalation), in the twin, the paired difference, the caused share."""
    table = PlainTable("Roads to war: each run against its twin without that road")
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
        "numbers, that road suppressed) did not; one war can need several roads."
    )
    for note in notes:
        say(note)


@app.command(rich_help_panel="Runs")
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
            "parameters' uncertainty too, beside P at the posterior medians (no twins "
            "unless --roads).",
            show_default=False,
        ),
    ] = None,
    roads: Annotated[
        bool,
        typer.Option(
            "--roads",
            help="With --posterior: run each run's six twins too and give the roads to war "
            "over the posterior (seven times the runs).",
        ),
    ] = False,
) -> None:
    """Run many runs, each with its six twins, and say which roads lead to war.

    Prints the outcome distribution (ceasefire held, crisis contained, limited war, wider war,
    nuclear use), P(escalation) and P(wider war), and for each road to war (missteps,
    misreading, attacks, warnings, face, slips) P(escalation) in the run's twin without it, the
    paired risk difference and the share of escalations that road caused, with 95%
    intervals. Writes runs.parquet (one row a run, with per-dyad columns), attribution.csv,
    roads.csv, outcomes.csv, outcomes.png, roads.png and escalation_days.png. The runs are the
    same whatever the engine, the workers or the chunk size. The output folder must be new,
    empty or one escalation wrote (else --force); a killed earlier run's scratch files are
    removed.

    Example: escalation ensemble reassurance --runs 100000 --seed 1
    """

    from sim.analysis.plots.ensemble import (
        escalation_day_data,
        outcome_data,
        plot_escalation_days,
        plot_outcomes,
        plot_roads,
        road_data,
    )
    from sim.analysis.plots.style import plt
    from sim.analysis.summaries import Tally
    from sim.analysis.timeline import NOT_A_FORECAST
    from sim.experiments.experiment import MAX_TASKS as MAX_CHUNKS
    from sim.experiments.results import ParquetStream, staging
    from sim.experiments.runs import ENGINES, chunks, iter_tables, stop_on_interrupt
    from sim.model.finite import drivers

    if engine not in ENGINES:
        raise ScenarioError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if -(-runs // chunk_size) > MAX_CHUNKS:  # the task list itself would not fit in memory
        raise ScenarioError(
            f"--runs {runs:,} in chunks of {chunk_size:,} makes more than {MAX_CHUNKS:,} "
            "chunks; give a larger --chunk-size"
        )
    if roads and posterior is None:
        raise ScenarioError("--roads goes with --posterior (without it every run has its twins)")
    spec = scenario_of(scenario, days)
    if posterior is not None:
        if engine != "ensemble":
            raise ScenarioError("--posterior runs on the ensemble engine only")
        from sim.cli.record import posterior_ensemble

        posterior_ensemble(
            spec, posterior, runs, seed, out, workers, chunk_size, force, wait, roads
        )
        return
    tasks = chunks(spec, runs, seed, chunk_size, engine)  # type: ignore[arg-type]
    workers = min(worker_count(workers), len(tasks))
    out_dir = out if out is not None else RESULTS / folder_name(spec.name) / f"ensemble-seed-{seed}"
    tally = Tally(spec.world.days, spec.world.escalation_rung)
    try:
        with (
            claim(out_dir, force, wait, waiting),
            stop_on_interrupt() as stop,
            staging(out_dir) as scratch,
            ParquetStream(scratch / "runs.parquet") as sink,
            progress_bar(transient=True) as progress,
        ):
            bar = progress.add_task("runs", total=runs)
            for table in iter_tables(tasks, workers, stop=stop):
                sink.write(table)
                tally.add(table)
                progress.advance(bar, len(table))
            if tally.runs == 0:
                raise ScenarioError(
                    f"every run stopped: a hostility left the finite range, driven by "
                    f"{drivers(spec)}; there is nothing to count"
                )
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
        f"Scenario '{spec.name}': {runs:,} runs, each with its six twins, seed {seed}, engine "
        f"{engine}; escalation = some dyad reaching rung {spec.world.escalation_rung}."
    )
    if tally.stopped:
        say(
            f"Note: {tally.stopped:,} of {runs:,} runs stopped when a hostility left the finite "
            f"range, driven by {drivers(spec)}; they are left out of every share below."
        )
    print_shares("Outcomes", outcomes, "outcome")
    print_shares("Escalation", attribution, "quantity")
    say(
        "The two rows given a misstep compare different runs (those with incidents and those "
        "without), so they are no causal measure: the roads table below is."
    )
    print_roads(roads)
    say(NOT_A_FORECAST)
    say(
        f"Wrote {out_dir}/: runs.parquet, attribution.csv, roads.csv, outcomes.csv, "
        "outcomes.png, roads.png, escalation_days.png"
    )
