"""What every command shares: the command group, one-line errors, the common arguments and
options, printing made inert, and progress bars."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup
from typer.exceptions import TyperException

from sim.experiments.folders import printable
from sim.model.chance import MAX_SEED
from sim.model.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
)


def told(error: TyperException) -> BaseException:
    """A usage error told in one line on stderr, as the exit (code 2) to raise; any other
    error (a request for help, say) comes back as it is."""
    usage = getattr(error, "exit_code", None) == 2 and hasattr(error, "format_message")
    if not usage or type(error).__name__ == "NoArgsIsHelpError":  # help: show it
        return error
    message = " ".join(error.format_message().split())
    typer.echo(printable(f"error: {message} (see --help)"), err=True)
    return typer.Exit(2)


class OneLineErrors(TyperGroup):
    """The command group, with a bad option or argument told in one line (exit code 2)."""

    def make_context(self, *args: Any, **kwargs: Any) -> typer.Context:
        """Parse the command line; a bad option before any command is one line too."""
        try:
            return super().make_context(*args, **kwargs)
        except TyperException as error:  # typer's own copy of click's exceptions
            raise told(error) from None

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the subcommand; a usage error becomes `error: ...` on stderr and exit 2."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before a command's own handler is in place: one line
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None
        except TyperException as error:
            raise told(error) from None


app = typer.Typer(
    cls=OneLineErrors,
    help="Escalation under a tripwire and a counter-threat: an agent-based model for "
    "exploration and teaching. Its numbers follow from illustrative parameters: they are "
    "not forecasts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# Text from files (names, paths) is printed inert: no markup, emoji or highlighting is read
# into it, and control characters are replaced (PlainTable, say).
console = Console(markup=False, emoji=False, highlight=False)


class PlainTable(Table):
    """A table whose title, headers and cells are plain text with control characters shown as
    '?' (printed on `console`, which reads no markup)."""

    def __init__(self, title: str, *columns: str, **options: Any) -> None:
        options = {"title_justify": "left", "box": None, **options}
        super().__init__(title=printable(title), **options)
        for column in columns:
            self.add_column(column)

    def add_column(self, header: Any = "", *args: Any, **options: Any) -> None:
        super().add_column(printable(str(header)), *args, **options)

    def add_row(self, *cells: Any, **options: Any) -> None:
        """Add a row; a string cell is made inert, a rich Text cell is taken as it is."""
        super().add_row(
            *(c if isinstance(c, Text) else printable(str(c)) for c in cells), **options
        )


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
    typer.Option(
        min=0,
        max=1024,
        help="Worker processes (0: one per core; at most what the machine's cores and memory "
        "can run).",
        show_default=False,
    ),
]
WORKER_BYTES = 300_000_000  # a worker's peak for a chunk of 10,000 runs (README: 260 MB)


def available_memory() -> int | None:
    """Bytes of memory available now (Linux's MemAvailable), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def worker_count(workers: int) -> int:
    """--workers as a number of processes: 0 means one per core; more than the machine's
    cores, or than its available memory holds at WORKER_BYTES each, is capped, saying so."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    memory = available_memory()
    most = max(1, min(cores, memory // WORKER_BYTES if memory is not None else cores))
    if workers > most:
        held = f", {memory / 1e9:.1f} GB of memory available" if memory is not None else ""
        say(
            f"Note: --workers {workers:,} is more than this machine can run ({cores} cores"
            f"{held}, about {WORKER_BYTES // 1_000_000} MB a worker): using {most}.",
            err=True,
        )
    return min(workers, most) or most


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


def one_line(error: BaseException) -> str:
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
            say(f"error: {one_line(error)}", err=True)
            raise typer.Exit(2) from None

    return wrapper


def waiting(message: str) -> None:
    say(message, err=True)


def scenario_of(name: str, days: int | None) -> Scenario:
    scenario = load_scenario(name)
    if days is None:
        return scenario
    data = scenario.model_dump(mode="json")
    data["world"]["days"] = days
    return parse_scenario(data)


def progress_bar(transient: bool = False):
    """A progress bar on stderr: done of total runs, time taken, time left."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    quiet = Console(stderr=True, markup=False, emoji=False, highlight=False)
    return Progress(*columns, console=quiet, transient=transient)


ResultsArg = Annotated[
    Path,
    typer.Argument(
        help="A sweep's results folder, e.g. results/troops_threat.", show_default=False
    ),
]


PatternsOpt = Annotated[
    Path | None,
    typer.Option(
        "--patterns",
        help='A patterns file (TOML, kind = "patterns"; default: the shipped record, '
        "experiments/patterns/record.toml).",
        show_default=False,
    ),
]
