"""The teaching app (`escalation app`): one run as it unfolds, many runs, and A/B comparison.

Built with Solara components directly, not Mesa's SolaraViz page. SolaraViz stood in the way
of a classroom: its Play loop read the Mesa DataCollector while the model stepped (a
traceback within seconds at its fastest interval), its model inputs applied only after
Reset, silently, its sliders hid their values, and it brought developer controls ("Render
Interval", "Use Threads"), a "PAGE 0" tab and a drawer that covered a phone's screen. Here
every change goes through a `Session` (`sim.app.session`) whose lock lets one action at a
time touch the model, and the page draws immutable views. The model is still the Mesa model
(`sim.model.mesa_model.EscalationModel`), and many runs use the ensemble engine.

The app is never imported by the model. Start it with `escalation app` (or
`solara run sim/app/page.py`).
"""

from __future__ import annotations

import html
import logging
import threading

import solara

from sim.analysis.timeline import NOT_A_FORECAST
from sim.app.many import (
    Compare,
    ManyRuns,
    many_result_of,
    war_lines,
    warm_up,
)
from sim.app.session import (
    FIGURE_WIDTH,
    SPEEDS,
    Session,
    View,
    chart_png,
    run_csv,
)
from sim.app.settings import (
    PRESETS,
    SLIDERS,
    SWITCHES,
    TOOLTIPS,
    caption,
    defaults,
    from_query,
    is_whole,
    parse_seed,
    scenario_names,
    slider_bounds,
    to_query,
    value_words,
)
from sim.app.widgets import CSS, INFO, Downloads, Help, card
from sim.model.scenario import Mechanisms

logger = logging.getLogger(__name__)
TITLE = "Escalation under a tripwire: a teaching model, not a forecast"


# -- many runs of the current settings


# -- the warm-up of the compiled engines


# -- components


@solara.component
def Controls(settings: dict, change, seed_text: str, set_seed_text, seed_error: str):
    """The inputs: scenario, seed, a slider per parameter (its value in words beside it),
    a switch per mechanism, the lesson presets and "Restore defaults"."""
    with solara.Column(gap="6px"):
        solara.Markdown("### Settings")
        solara.Text(
            "A change restarts the run at day 0 with the new settings.",
            style={"font-style": "italic"},
        )
        with Help(TOOLTIPS["scenario"]):
            solara.Select(
                label="Scenario",
                values=list(scenario_names()),
                value=settings["scenario"],
                on_value=lambda name: (
                    name in scenario_names()
                    and change({**defaults(name), "seed": settings["seed"]})
                ),
            )

        def commit_seed(text: str) -> None:
            set_seed_text(text)
            try:
                seed = parse_seed(text)
            except ValueError as error:
                change(None, seed_error=str(error))
                return
            change({**settings, "seed": seed})

        with Help(TOOLTIPS["seed"]):
            solara.InputText(
                "Seed (a whole number; press Enter)",
                value=seed_text,
                on_value=commit_seed,
                continuous_update=False,
            )
        if seed_error:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=html.escape(seed_error) + " The run keeps its previous seed.",
                classes=["esc-error", "seed-error"],
                attributes={"role": "alert"},
            )
        for name in SLIDERS:
            low, high = slider_bounds(name)
            whole = is_whole(name)

            def moved(value, name=name, whole=whole) -> None:
                value = round(value) if whole else round(float(value), 6)
                if value != settings[name]:
                    change({**settings, name: value})

            with Help(TOOLTIPS[name]):
                solara.Text(value_words(name, settings[name]), classes=["slider-value"])
                slider = solara.SliderInt if whole else solara.SliderFloat
                slider(
                    label=SLIDERS[name].label,  # its accessible name; shown in words above
                    value=settings[name],
                    min=low,
                    max=high,
                    step=SLIDERS[name].step,
                    on_value=moved,
                    tick_labels=False,
                )
        solara.Markdown("#### Mechanisms")
        for name, info in Mechanisms.model_fields.items():
            with Help(info.description):
                solara.Checkbox(
                    label=SWITCHES[name],
                    value=settings[name],
                    on_value=lambda on, name=name: change({**settings, name: bool(on)}),
                )
        solara.Markdown("#### Lessons")
        for preset in PRESETS:
            with Help(f"Sets every control to the start of lesson {preset.lesson}."):
                solara.Button(
                    f"Lesson {preset.lesson}: {preset.title}",
                    on_click=lambda preset=preset: change(preset.settings()),
                    outlined=True,
                    style={"text-transform": "none", "justify-content": "start"},
                )
        with Help("Every control back to the reassurance scenario's values, seed 1."):
            solara.Button(
                "Restore defaults",
                on_click=lambda: change(defaults()),
                outlined=True,
                style={"text-transform": "none"},
            )


@solara.component
def Monitors(view: View, many: tuple | None):
    """The numbers: day, the crisis's rung, deaths, each dyad's rung, and the war risks."""
    with solara.Column(gap="2px", classes=["monitors"]):
        solara.Text(
            f"Day {view.day} of {view.horizon} · crisis rung {view.rung} · deaths {view.deaths:,}",
            classes=["esc-monitor", "day-monitor"],
        )
        for line in view.dyads:
            solara.Text(line, classes=["dyad-monitor"])
        if many is not None:
            _, n, tally, *_ = many
            for line in war_lines(tally):
                solara.Text(f"{line} in {n:,} runs", classes=["risk-monitor"])


@solara.component
def RunView(view: View, session: Session, refresh):
    """The run: its chart (with downloads), the network, today's decisions, the cards, the
    log, the outcome and, on demand, the twins."""
    busy, set_busy = solara.use_state(False)

    def twins() -> None:
        set_busy(True)
        try:
            session.show_twins()
        except Exception as error:
            logger.warning("twins failed: %r", error)
        finally:
            set_busy(False)
            refresh()

    # The chart is drawn off the lock, in its own thread: the numbers of a Step show at once,
    # and the chart (its own day in its caption) follows.
    chart = solara.use_thread(
        lambda: (view.chart, chart_png(view.chart)),
        dependencies=[view.chart],
        intrusive_cancel=False,
    )
    if chart.value is None:
        solara.Text("Drawing the chart…")
    else:
        data, image = chart.value
        solara.Markdown(f"**Chart of this run:** {html.escape(data.title)}, day {data.day}.")
        solara.Image(image, width=f"{FIGURE_WIDTH}px", classes=["run-chart"])
        Downloads(image, lambda: run_csv(data), f"run-day-{data.day}")
    solara.Markdown("### The actors and each dyad's rung")
    solara.HTML(tag="div", unsafe_innerHTML=view.network, classes=["network"])
    with solara.Div(classes=["esc-two"]):
        with solara.Column():
            solara.Markdown(f"### The actors on day {view.day}")
            with solara.Row(style={"flex-wrap": "wrap"}, gap="0px"):
                for lines, rung in view.cards:
                    card(lines, rung)
        with solara.Column():
            solara.Markdown(f"### Decisions of day {view.day}")
            solara.HTML(
                tag="ul",
                unsafe_innerHTML="".join(f"<li>{html.escape(t)}</li>" for t in view.decisions),
                classes=["decisions"],
            )
            solara.Markdown("### Event log")
            lines = view.log or ["Nothing has happened yet: press Step or Play."]
            solara.HTML(
                tag="ul",
                unsafe_innerHTML="".join(f"<li>{html.escape(t)}</li>" for t in lines),
                classes=["event-log"],
            )
    if view.outcome:
        solara.HTML(tag="p", unsafe_innerHTML=f"<b>{html.escape(view.outcome)}</b>",
                    classes=["outcome"])  # fmt: skip
    with Help("Plays this run to its end four more times, each with one road to war "
              "suppressed and the same random numbers, and tells what changed."):  # fmt: skip
        solara.Button(
            "Show this run's twins",
            on_click=twins,
            disabled=busy,
            outlined=True,
            style={"text-transform": "none"},
        )
    if view.twins:
        with solara.Div(classes=["esc-two", "twins"]):
            with solara.Column():
                solara.Markdown("**This run, to its end**")
                solara.Text(view.twins[0])
            with solara.Column():
                solara.Markdown(f"**{view.twins[1]}**")
                solara.HTML(
                    tag="ul",
                    unsafe_innerHTML="".join(f"<li>{html.escape(t)}</li>" for t in view.twins[2:]),
                )
    solara.Text(NOT_A_FORECAST, style={"font-style": "italic"})


@solara.component
def Page():
    """The app; each browser session gets its own run (a class shares none)."""
    router = solara.use_router()
    start, problems = solara.use_memo(lambda: from_query(router.search), [])
    session = solara.use_memo(lambda: Session(start), [])
    solara.use_effect(lambda: session.close, [])  # freed when the page's kernel closes
    _, set_tick = solara.use_state(0)
    ticks = solara.use_ref(0)
    playing, set_playing = solara.use_state(False)
    speed, set_speed = solara.use_state(20)
    seed_text, set_seed_text = solara.use_state(str(start["seed"]))
    seed_error, set_seed_error = solara.use_state("")
    problem, set_problem = solara.use_state("")
    many_request, set_many_request = solara.use_state(None)
    solara.use_effect(
        lambda: threading.Thread(target=warm_up, name="warm-up", daemon=True).start(), []
    )

    def refresh() -> None:
        ticks.current += 1
        set_tick(ticks.current)

    def guarded(action):
        """The action, with any error told in one line on the page instead of a traceback."""

        def run(*args, **kwargs):
            set_problem("")
            try:
                return action(*args, **kwargs)
            except Exception as error:
                logger.warning("app action failed: %r", error)
                set_problem(f"That did not work: {error}")

        return run

    @guarded
    def change(settings: dict | None, seed_error: str = "", notice: str = "") -> None:
        """Apply new settings at once: the run restarts, says so, and the address follows."""
        set_seed_error(seed_error)
        if settings is None:
            return
        set_playing(False)
        set_seed_text(str(settings["seed"]))
        said = notice or "Settings changed: the run restarted at day 0"
        try:
            session.restart(settings, notice=f"{said} ({caption(settings)}).")
        except ValueError as error:  # out of the scenario's range: say so, keep the run
            set_seed_error(f"These settings make no valid scenario: {error}")
            return
        query = to_query(settings)
        router.push(router.path + (f"?{query}" if query else ""))
        refresh()

    def play(cancel: threading.Event) -> None:
        if not playing:
            return
        session.play(speed, cancel, refresh)
        if not cancel.is_set():
            set_playing(False)

    play_result = solara.use_thread(play, dependencies=[playing, speed], intrusive_cancel=False)

    def many_work():
        if many_request is None:
            return None
        settings, n = many_request
        return many_result_of(settings, n)

    many_result = solara.use_thread(many_work, dependencies=[many_request], intrusive_cancel=False)
    view = session.view
    many = None
    if many_result.value is not None and many_result.value[0] == view.settings:
        many = many_result.value
    pending = many_result.state in (solara.ResultState.STARTING, solara.ResultState.RUNNING)

    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.Column(classes=["esc-page"], gap="8px"):
        solara.HTML(tag="h1", unsafe_innerHTML=html.escape(TITLE), style={"font-size": "26px"})
        with solara.Details("About this model (what it is, what each mechanism does, what it "
                            "is not)"):  # fmt: skip
            solara.Markdown(INFO)
        for problem in problems:
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(problem),
                        classes=["esc-error", "address-problem"])  # fmt: skip
        with solara.Div(classes=["esc-grid"]):
            with solara.Column(classes=["controls"]):
                Controls(view.settings, change, seed_text, set_seed_text, seed_error)
            with solara.Column(classes=["main"]):
                with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
                    with Help("Plays the run day by day at the speed chosen, to its end."):
                        solara.Button(
                            "Pause" if playing else "Play",
                            on_click=lambda: set_playing(not playing),
                            disabled=not view.running and not playing,
                            color="primary",
                        )

                    @guarded
                    def step() -> None:
                        set_playing(False)
                        session.step()
                        refresh()

                    with Help("One day of the run."):
                        solara.Button("Step", on_click=step, disabled=not view.running)
                    with Help("The run again from day 0, with the settings shown."):
                        solara.Button(
                            "Reset",
                            on_click=lambda: change(
                                dict(view.settings), notice="Reset: the run restarted at day 0"
                            ),
                            outlined=True,
                        )
                    solara.Text("Play speed, days per second:")
                    for days in SPEEDS:
                        solara.Button(
                            str(days),
                            on_click=lambda days=days: set_speed(days),
                            outlined=days != speed,
                            color="primary" if days == speed else None,
                            style={"min-width": "44px", "padding": "0 8px"},
                            attributes={
                                "aria-label": f"{days} days per second",
                                "aria-pressed": "true" if days == speed else "false",
                                "title": f"Play {days} days per second",
                            },
                        )
                solara.Text(
                    f"Speed: {speed} days per second (a year in about {365 / speed:.0f} s)",
                    classes=["speed-words"],
                )
                if problem:
                    solara.Text(problem, classes=["esc-error", "action-problem"])
                if session.notice and view.day == 0:  # until the new run moves on
                    solara.Text(session.notice, classes=["esc-notice", "restart-notice"])
                if play_result.error is not None:  # never a traceback: the reason, in words
                    solara.Text(f"Play stopped: {play_result.error}", classes=["esc-error"])
                Monitors(view, many)
                RunView(view, session, refresh)
                ManyRuns(view.settings, many,
                         lambda n: set_many_request((dict(view.settings), n)), pending)  # fmt: skip
                if many_result.error is not None:
                    solara.Text(f"The many runs failed: {many_result.error}", classes=["esc-error"])
                Compare(view.settings)
