"""Reference commands: the scenarios shipped and every parameter with its default."""

from __future__ import annotations

import typer
from rich.text import Text

from sim.cli.common import (
    PlainTable,
    app,
    console,
)
from sim.experiments.folders import printable
from sim.model.scenario import (
    ScenarioError,
    list_scenario_files,
    load_scenario,
)


@app.command(rich_help_panel="Reference")
def scenarios() -> None:
    """List the scenario files in experiments/ with a one-line description each.

    Example: escalation scenarios
    """
    table = PlainTable("", "scenario", "actors", "description", title_justify="left")
    for path in list_scenario_files():
        try:
            spec = load_scenario(path)
        except ScenarioError as error:
            table.add_row(path.stem, "", Text(printable(f"invalid: {error}"), style="red"))
            continue
        actors = ", ".join(f"{a.name} ({a.role.value})" for a in spec.actors)
        table.add_row(path.stem, actors, spec.description)
    console.print(table)
    console.print("Run one with: escalation run NAME --seed N")


@app.command(rich_help_panel="Reference")
def parameters() -> None:
    """Print every parameter with its symbol, meaning, default, range and source.

    These are the defaults the model, the scenario files and the docs share.

    Example: escalation parameters
    """
    from sim.model.reference import parameter_tables

    typer.echo(parameter_tables())
