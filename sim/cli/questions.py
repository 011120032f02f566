"""The `question` command: a question declared as data, answered across the decision rules
and over a prior box of parameters (sim.experiments.question, sim.analysis.answers)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from sim.cli.common import (
    RESULTS,
    ForceOpt,
    WaitOpt,
    WorkersOpt,
    app,
    fails_cleanly,
    progress_bar,
    say,
    waiting,
)
from sim.experiments.folders import claim, folder_name
from sim.model.scenario import ScenarioError

if TYPE_CHECKING:
    from sim.experiments.question import Extra, Question
    from sim.model.scenario import Scenario


@app.command(rich_help_panel="Sweeps and their analysis")
@fails_cleanly
def question(
    question_files: Annotated[
        list[str],
        typer.Argument(
            metavar="QUESTION",
            help='Question TOML files (kind = "question"), or names of those in '
            "experiments/questions/; answered one after the other.",
            show_default=False,
        ),
    ],
    workers: WorkersOpt = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Results folder (default: results/questions/NAME; one question only).",
            show_default=False,
        ),
    ] = None,
    runs: Annotated[
        int | None,
        typer.Option(
            min=1, help="Runs per rule and setting (default: the file's).", show_default=False
        ),
    ] = None,
    trajectories: Annotated[
        int | None,
        typer.Option(min=2, help="Morris trajectories (default: the file's).", show_default=False),
    ] = None,
    gsa_runs: Annotated[
        int | None,
        typer.Option(
            min=1, help="Runs per design row and setting (default: the file's).", show_default=False
        ),
    ] = None,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="A posterior sample (posterior.parquet from escalation calibrate): answer over "
            "its draws instead of over the priors (default folder: results/questions/"
            "NAME-posterior).",
            show_default=False,
        ),
    ] = None,
    posterior_runs: Annotated[
        int | None,
        typer.Option(
            min=1000,
            max=10_000_000,
            help="With --posterior: runs per setting, shared over the draws (one draw per "
            "1,000 runs, at least 40; under 40,000 a draw has fewer than 1,000), and as many "
            "at the posterior medians. Default: 40,000.",
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    wait: WaitOpt = False,
) -> None:
    """Answer a question across the decision rules and over the priors: does the sign hold?

    A question asks whether P(outcome) falls (or rises) when one parameter goes from one
    value to another. It is run under each decision rule (strategic, complete information,
    myopic), the two settings paired run for run, and then over a prior box of every
    parameter with a prior (Morris's design, SALib), under one rule. Printed: per rule, both
    probabilities and the paired difference with 95% intervals; over the priors, the share
    of the box where the sign holds, where it flips (PRIM), and which parameters decide it
    (Morris μ*), as a verdict in words. Written: answer.md, answer.json, rules.csv, gsa.csv
    and morris.csv in the results folder. Resumable: the same command continues an
    interrupted run; the options that change sizes make a different question (another
    folder). An exploration, not a forecast: the parameters are illustrative.

    With --posterior (a calibration's posterior sample), the prior box is replaced by the
    posterior: each draw runs both settings on its own block of run indices, and the answer
    says whether the sign holds across draws or follows parameters the record leaves free.

    Example: escalation question troops_war troops_wider_war --workers 2
    (the README's tables on the article's question); escalation question troops_war
    --posterior docs/calibration/posterior.parquet --workers 2 (the same over the shipped
    calibration's posterior).
    """
    from sim.experiments.question import load_question, resized

    if out is not None and len(question_files) > 1:
        raise ScenarioError("--out takes one question; give the questions one at a time")
    if posterior is None and posterior_runs is not None:
        raise ScenarioError("--posterior-runs goes with --posterior")
    if posterior is not None and (trajectories or gsa_runs):
        raise ScenarioError("--trajectories and --gsa-runs size the prior box; --posterior "
                            "replaces it")  # fmt: skip
    # Every file checked before anything runs: bad input writes nothing.
    loaded = [load_question(name) for name in question_files]
    loaded = [(resized(spec, runs, trajectories, gsa_runs), b, t) for spec, b, t in loaded]
    size = posterior_runs or 40_000
    over = [over_posterior(spec, b, posterior, size) for spec, b, _ in loaded]
    for (spec, base, text), extra in zip(loaded, over, strict=True):
        name = folder_name(spec.name + ("-posterior" if posterior else ""))
        out_dir = out if out is not None else RESULTS / "questions" / name
        _answer(spec, base, text, out_dir, workers, force, wait, extra)


class Over(NamedTuple):
    """A question's points over a posterior, and what made them (for its fingerprint)."""

    points: Extra
    mark: str
    params: list[str]
    fitted_on: str
    runs: int
    notes: list[str]


def over_posterior(
    spec: Question, base: Scenario, posterior: Path | None, runs: int
) -> Over | None:
    """The question's points over a posterior sample (checked against its base), or None."""
    if posterior is None:
        return None
    import hashlib

    from sim.cli.record import posterior_notes
    from sim.record.calibrated import read_posterior
    from sim.record.posterior import question_points

    table = read_posterior(posterior, base)
    notes = posterior_notes(table, base, match="the question file's days")
    points = question_points(spec.lever, spec.settings, base, table, runs, spec.seed)
    digest = hashlib.sha256(Path(posterior).read_bytes()).hexdigest()
    fitted_on = table.attrs["provenance"].get("scenario", base.name)
    params = [c for c in table.columns if c != "weight"]
    return Over(points, f"posterior {digest}, {runs} runs", params, fitted_on, runs, notes)


def _answer(
    spec: Question,
    base: Scenario,
    text: str,
    out_dir: Path,
    workers: int,
    force: bool,
    wait: bool,
    over: Over | None = None,
) -> None:
    """Run one question into its folder (resuming) and print its answer."""
    from sim.analysis import answers, over_draws
    from sim.experiments.question import fingerprint, plan, prepare, run_question, tasks_for
    from sim.experiments.runs import local_pool, stop_on_interrupt
    from sim.experiments.sweep import now, read_manifest, verify_chunks, write_manifest

    extra, extra_mark = (over.points, over.mark) if over else (None, "")
    with claim(out_dir, force, wait, waiting):
        prepare(out_dir, spec, base, text, extra, extra_mark)
        table, scenarios = plan(spec, base, extra)
        tasks = tasks_for(spec, scenarios, table)
        todo, problems = verify_chunks(out_dir, tasks)
        if problems:
            say(f"Recomputing {len(problems):,} chunk file(s) that failed verification: "
                + "; ".join(problems[:3]), err=True)  # fmt: skip
        total = sum(t.chunk.stop - t.chunk.start for t in tasks)
        left = sum(t.chunk.stop - t.chunk.start for t in todo)
        if left < total:
            say(f"Resuming: {total - left:,} of {total:,} runs are already done (verified).")
        workers = min(workers or os.cpu_count() or 1, max(len(todo), 1))
        try:
            with stop_on_interrupt() as stop, progress_bar() as progress:
                bar = progress.add_task("runs", total=total, completed=total - left)
                advance = lambda n: progress.advance(bar, n)  # noqa: E731
                mark = fingerprint(spec, base, extra_mark)
                if workers <= 1 or not todo:
                    run_question(out_dir, mark, todo, None, advance, stop)
                else:
                    with local_pool(workers) as pool:
                        run_question(out_dir, mark, todo, pool, advance, stop)
        except KeyboardInterrupt:
            say("Interrupted: finished chunks are saved; run the same command to resume.", err=True)
            raise typer.Exit(130) from None
        if over is None:
            report = answers.answer(out_dir, spec, base)
        else:
            report = over_draws.answer(out_dir, spec, over.fitted_on, over.params, over.runs)
        manifest = read_manifest(out_dir)
        manifest["finished"] = now()
        write_manifest(out_dir, manifest)
    for note in over.notes if over else []:  # after the work: a refusal above stays one line
        say(note)
    say(report)
    files = "draws.csv" if over else "gsa.csv, morris.csv"
    say(f"Written: {out_dir}/answer.md, answer.json, rules.csv, {files}")
