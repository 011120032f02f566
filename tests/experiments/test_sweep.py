"""Sweeps: declared experiments, the same results everywhere, nothing lost on interruption."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.analysis.sweep_stats import summarise_sweep
from sim.cli import app
from sim.experiments.experiment import load_experiment, points
from sim.experiments.sweep import executor_for, load_results, run_sweep
from sim.model.scenario import ScenarioError
from tests.signals import ctrl_c_reaches_the_child

ESCALATION = str(Path(sys.executable).parent / "escalation")
runner = CliRunner()

SMALL = """
kind = "experiment"
name = "small"
base = "reassurance"
design = "grid"
replicates = {replicates}
chunk_size = {chunk}
days = {days}
seed = 3
outcomes = ["wider war", "escalated", "caused_by_missteps"]

[[parameters]]
path = "guarantor.troops"
low = 0
high = 10000
steps = 3

[[parameters]]
path = "challenger.threat_perception"
values = [0.2, 0.9]
"""


# A 120-day horizon: these tests are about running, saving and resuming, not the model, and
# decisions make every simulated day cost.
def experiment_file(tmp_path: Path, replicates=120, chunk=40, days=120, name="e.toml") -> Path:
    path = tmp_path / name
    path.write_text(SMALL.format(replicates=replicates, chunk=chunk, days=days))
    return path


def sampled_file(tmp_path: Path, design: str, samples: int, replicates: int, days: int) -> Path:
    """The small experiment as a Latin hypercube or Sobol design over the same ranges."""
    text = (
        SMALL.format(replicates=replicates, chunk=replicates, days=days)
        .replace('design = "grid"', f'design = "{design}"\nsamples = {samples}')
        .replace("steps = 3\n", "")
        .replace("values = [0.2, 0.9]", "low = 0.2\nhigh = 0.9")
    )
    path = tmp_path / f"{design}.toml"
    path.write_text(text)
    return path


def expected_summary(shared, path: Path) -> pd.DataFrame:
    """The summary of an uninterrupted serial sweep of the experiment file, made once in the
    test session for each text (the stopped and interrupted tests compare with it)."""
    text = path.read_text()
    key = f"sweep-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
    folder = shared.folder(key, lambda out: sweep_with(None, path, out))
    return summarise_sweep(folder, load_experiment(path)[1])


def sweep_with(executor_kind: str | None, path: Path, out: Path, workers: int = 2):
    experiment, base, text = load_experiment(path)
    if executor_kind is None:
        run_sweep(experiment, base, text, out)
    else:
        with executor_for(executor_kind, workers, None) as pool:
            run_sweep(experiment, base, text, out, pool)
    return summarise_sweep(out, base)


def test_a_grid_has_every_combination_and_points_carry_their_values(tmp_path):
    experiment, _, _ = load_experiment(experiment_file(tmp_path))
    design = points(experiment)
    assert len(design) == 6
    assert sorted(set(design["guarantor.troops"])) == [0, 5000, 10000]
    assert sorted(set(design["challenger.threat_perception"])) == [0.2, 0.9]


def test_lhs_and_sobol_designs_have_the_promised_sizes_within_bounds(tmp_path):
    for design, size in (("lhs", 16), ("sobol", 16 * 4)):
        experiment, _, _ = load_experiment(sampled_file(tmp_path, design, 16, 10, 30))
        frame = points(experiment)
        assert len(frame) == size
        assert frame["guarantor.troops"].between(0, 10000).all()
        assert frame["challenger.threat_perception"].between(0.2, 0.9).all()


def test_serial_process_pool_and_dask_give_identical_results(tmp_path):
    path = experiment_file(tmp_path)
    serial = sweep_with(None, path, tmp_path / "serial")
    pool = sweep_with("local", path, tmp_path / "pool", workers=2)
    dask = sweep_with("dask", path, tmp_path / "dask", workers=2)
    pd.testing.assert_frame_equal(serial, pool, check_exact=True)
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)
    runs = load_results(tmp_path / "serial")
    pd.testing.assert_frame_equal(runs, load_results(tmp_path / "dask"), check_exact=True)
    manifest = json.loads((tmp_path / "serial" / "manifest.json").read_text())
    assert manifest["finished"] and "resumed" not in manifest
    assert len(runs) == 6 * 120 and not runs.duplicated(["point", "run"]).any()


def test_the_chunk_size_does_not_change_the_results(tmp_path):
    a = sweep_with(None, experiment_file(tmp_path, chunk=120, name="a.toml"), tmp_path / "a")
    b = sweep_with(None, experiment_file(tmp_path, chunk=7, name="b.toml"), tmp_path / "b")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_a_dask_worker_that_dies_mid_sweep_loses_and_duplicates_nothing(tmp_path, shared):
    from dask.distributed import Client, LocalCluster

    path = experiment_file(tmp_path, replicates=200, chunk=10)  # 120 tasks
    expected = expected_summary(shared, path)  # the interrupted sweeps' reference, made once
    experiment, base, text = load_experiment(path)
    killed = []
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        pid = next(iter(client.run(os.getpid).values()))

        def kill_one(_runs: int) -> None:
            if not killed:  # kill -9 one worker once the first chunk is in
                killed.append(pid)
                os.kill(pid, signal.SIGKILL)

        run_sweep(
            experiment, base, text, tmp_path / "dask", client.get_executor(), on_progress=kill_one
        )
    assert killed
    got = summarise_sweep(tmp_path / "dask", base)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    runs = load_results(tmp_path / "dask")
    assert len(runs) == 6 * 200 and not runs.duplicated(["point", "run"]).any()


@pytest.mark.parametrize("kind", [None, "local", "dask"])
def test_a_stopped_sweep_saves_the_chunks_in_flight_and_resumes_identically(tmp_path, kind, shared):
    path = experiment_file(tmp_path, replicates=120, chunk=12)  # 60 tasks
    expected = expected_summary(shared, path)
    experiment, base, text = load_experiment(path)
    out, stop, saved = tmp_path / "stopped", threading.Event(), []

    def first_chunk_then_stop(runs: int) -> None:
        saved.append(runs)
        stop.set()

    with pytest.raises(KeyboardInterrupt):
        if kind is None:
            run_sweep(experiment, base, text, out, None, first_chunk_then_stop, stop=stop)
        else:
            with executor_for(kind, 1, None) as pool:
                run_sweep(experiment, base, text, out, pool, first_chunk_then_stop, stop=stop)
    kept = list((out / "chunks").glob("p*.parquet"))
    assert len(kept) == len(saved) and 1 <= len(saved) < 60  # what came back was saved
    if kind is None:
        assert len(saved) == 1  # serially, the stop comes before the next chunk starts
    if kind == "local":  # the pool had handed the worker a second chunk: it is kept too
        assert len(saved) >= 2
    assert not json.loads((out / "manifest.json").read_text())["finished"]
    run_sweep(experiment, base, text, out)
    pd.testing.assert_frame_equal(summarise_sweep(out, base), expected, check_exact=True)


def processes_left_in_session(session: int, within: float = 30.0) -> list[int]:
    """The live processes of a session (Linux /proc) once they have had `within` s to end."""
    deadline = time.monotonic() + within
    while True:
        left = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                state, _, _, sid = stat.read_text().rsplit(")", 1)[1].split()[:4]
            except OSError:  # the process ended while being read
                continue
            if int(sid) == session and state != "Z":
                left.append(int(stat.parent.name))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


# kill -9; SIGINT to the main process alone; Ctrl-C in a terminal (the whole process group).
@pytest.mark.parametrize("how", ["kill -9", "sigint", "ctrl-c"])
def test_an_interrupted_sweep_resumes_to_identical_results(tmp_path, how, shared):
    # 120 chunks of 10 runs, interrupted once 40 are saved: the rest still takes seconds.
    path = experiment_file(tmp_path, replicates=200, chunk=10)
    expected = expected_summary(shared, path)
    out = tmp_path / "interrupted"
    workers = "2" if how == "ctrl-c" else "1"
    command = [ESCALATION, "sweep", str(path), "--workers", workers, "--out", str(out)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=ctrl_c_reaches_the_child,  # even if this suite runs with SIGINT ignored
    )
    deadline = time.monotonic() + 120
    try:
        while len(list((out / "chunks").glob("*.parquet"))) < 40:
            assert process.poll() is None, "the sweep finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        if how == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGKILL if how == "kill -9" else signal.SIGINT)
        process.wait(timeout=60)
    finally:  # whatever failed above, nothing of the sweep outlives the test
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    assert processes_left_in_session(process.pid) == []  # no worker outlives the sweep
    done = len(list((out / "chunks").glob("p*.parquet")))
    assert 40 <= done < 6 * 200 // 10
    if how != "kill -9":
        assert process.returncode == 130, process.stderr.read()
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Resuming" in again.stdout
    summary = pd.read_parquet(out / "summary.parquet")
    pd.testing.assert_frame_equal(summary, expected, check_exact=True)
    runs = load_results(out)
    assert len(runs) == 6 * 200 and not runs.duplicated(["point", "run"]).any()
    assert not list((out / "chunks").glob(".*"))  # no scratch file left behind
    assert len(json.loads((out / "manifest.json").read_text())["resumed"]) == 1


def test_a_changed_experiment_is_refused_in_its_results_folder(tmp_path):
    out = tmp_path / "out"
    sweep_with(None, experiment_file(tmp_path, replicates=40, days=30), out)
    before = sorted(p.name for p in (out / "chunks").iterdir())
    changed = experiment_file(tmp_path, replicates=41, days=30, name="changed.toml")
    result = runner.invoke(app, ["sweep", str(changed), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 2
    assert "holds results of a different experiment" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (out / "chunks").iterdir()) == before


BAD = {
    "unknown key": ("replicate = 3\n", "replicate: unknown key (did you mean 'replicates'?)"),
    "bad path": (
        '[[parameters]]\npath = "guarantr.troops"\nlow = 0\nhigh = 1\nsteps = 2\n',
        "no actor or section 'guarantr' (did you mean 'guarantor'?)",
    ),
    "bad field": (
        '[[parameters]]\npath = "world.hotline"\nlow = 0\nhigh = 1\nsteps = 2\n',
        "unknown field 'hotline' (did you mean 'hotline_quality'?)",
    ),
    "out of range": (
        '[[parameters]]\npath = "challenger.resolve"\nlow = 0\nhigh = 2\nsteps = 3\n',
        "actors['Russia'].resolve: Input should be less than",
    ),
    "bad outcome": ('outcomes = ["wider wars"]\n', "unknown outcome 'wider wars' (did you mean"),
    "wrong type": ('replicates = "many"\n', "replicates: Input should be a valid integer"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiments_get_one_line_exit_2_and_nothing_written(tmp_path, case):
    extra, message = BAD[case]
    path = tmp_path / "bad.toml"
    head = 'kind = "experiment"\nname = "bad"\nbase = "reassurance"\n'
    body = '[[parameters]]\npath = "world.hotline_quality"\nlow = 0\nhigh = 1\nsteps = 2\n'
    path.write_text(
        head
        + (extra if not extra.startswith("[[") else "")
        + body
        + (extra if extra.startswith("[[") else "")
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists()


def test_an_unknown_executor_is_refused(tmp_path):
    result = runner.invoke(
        app,
        [
            "sweep",
            str(experiment_file(tmp_path)),
            "--executor",
            "ray",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --executor must be local or dask, got 'ray'"


def test_report_and_plot_need_a_finished_sweep(tmp_path):
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a finished sweep" in result.stderr


def test_report_writes_tables_and_figures(tmp_path):
    out = tmp_path / "out"
    sweep_with(None, experiment_file(tmp_path, replicates=60, days=120), out)
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text()
    assert "not a forecast" in text
    assert "| guarantor.troops | challenger.threat_perception | p_wider_war |" in text
    assert "caused_share_warnings" in text and "need not add to 1" in text
    for figure in (
        "heatmap_p_wider_war.png",
        "roads.png",
        "survival.png",
        "outcomes.png",
        "lines_p_wider_war.png",
    ):
        assert (out / "figures" / figure).stat().st_size > 5000
        assert f"figures/{figure}" in text


def test_a_missing_experiment_file_is_one_line(tmp_path):
    with pytest.raises(ScenarioError, match="no such experiment file"):
        load_experiment(tmp_path / "none.toml")


def test_a_sobol_sweep_reports_its_indices(tmp_path):
    path = sampled_file(tmp_path, "sobol", 8, 20, 60)
    out = tmp_path / "out"
    sweep_with(None, path, out)
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    indices = pd.read_csv(out / "figures" / "sobol.csv")
    assert indices["parameter"].tolist() == ["guarantor.troops", "challenger.threat_perception"]
    assert "## Sobol indices" in (out / "report.md").read_text()
    assert (out / "figures" / "sobol.png").exists()
