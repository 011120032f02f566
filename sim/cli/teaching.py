"""`app`: the teaching app in the browser, on loopback."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli.common import (
    app,
)

CULL_TIMEOUT = "10s"


@app.command(name="app", rich_help_panel="Teaching")
def teaching_app(
    port: Annotated[int, typer.Option(min=1024, max=65535, help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """Start the teaching app in the browser, on 127.0.0.1 (works offline).

    One run as it unfolds (Play in days per second, Step, Reset; each dyad's rung, the
    actors as a network, the day's decisions with their reasons, the whole timeline, the
    outcome and the run's twins), each lesson of docs/lessons beside the run, many runs (300
    or 3,000) with P(war), the war risks and what each road to war caused, A/B comparison,
    and downloads. Settings apply at once and live in the page's address. Open the address it
    prints; stop it with Ctrl-C (or SIGTERM: the command becomes the server, so nothing
    outlives it).

    Example: escalation app --port 8765
    """
    import importlib.util
    import os
    import sys

    try:
        import solara  # noqa: F401
    except ImportError:
        typer.echo("error: the app needs its extra: pip install 'escalation-sim[app]'", err=True)
        raise typer.Exit(2) from None
    app_file = importlib.util.find_spec("sim.app.page").origin  # the path; Solara imports it
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
    # A page's kernel (its session, its threads) is closed this long after its WebSocket
    # closes, not Solara's default of 24 hours: a reconnect within it keeps the run.
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", CULL_TIMEOUT)
    sys.stdout.flush()
    sys.stderr.flush()
    # Become the server (exec) rather than wait for a child: SIGTERM or SIGINT sent to this
    # PID then reaches the server itself, and nothing outlives the command.
    os.execv(sys.executable, command)
