"""The teaching app (`escalation app`): one run as it unfolds, a lesson beside it, many runs,
and A/B comparison.

Built with Solara components directly, not Mesa's SolaraViz page. SolaraViz stood in the way
of a classroom: its Play loop read the Mesa DataCollector while the model stepped (a
traceback within seconds at its fastest interval), its model inputs applied only after
Reset, silently, its sliders hid their values, and it brought developer controls ("Render
Interval", "Use Threads"), a "PAGE 0" tab and a drawer that covered a phone's screen. Here
every change goes through a `Session` (`sim.app.session`) whose lock lets one action at a
time touch the model, Play steps in the session's own thread, and the page draws immutable
views (`sim.app.state` holds a page's state; `sim.app.panels` its panels). The model is still
the Mesa model (`sim.model.mesa_model.EscalationModel`), and many runs use the ensemble engine
on a pool the whole server shares (`sim.app.many`).

The app is never imported by the model. Start it with `escalation app` (or
`solara run sim/app/page.py`).
"""

from __future__ import annotations

import html
import threading

import solara

from sim.app.panels import Compare, LessonPanel, ManyRuns, RunView
from sim.app.session import SPEEDS
from sim.app.settings import (
    SLIDERS,
    SWITCHES,
    defaults,
    is_whole,
    scenario_names,
    slider_bounds,
    value_words,
)
from sim.app.state import TABS, PageState, use_page, warm_up
from sim.app.widgets import (
    CSS,
    BrowserSetup,
    Help,
    Live,
    details,
    heading,
    line,
    markdown_html,
)
from sim.app.words import INFO, TOOLTIPS, slider_note, switch_help, switch_note
from sim.model.reference import parameter_tables
from sim.model.scenario import Mechanisms

ADDRESS_DELAY = 0.5  # seconds without a change before the address takes the new settings
TITLE = "Escalation under a tripwire: a teaching model, not a forecast"
START_HERE = (
    "**Start here.** Choose a lesson under *Lessons* (on a tablet or phone: the **Lesson** "
    "tab): its button sets every control to the lesson's start and shows its steps and "
    "questions beside the run. Or press **Play** to watch one year of the crisis, day by day. "
    "Any change of a setting restarts the run at day 0."
)
# The page's fixed text, made once: one widget (Solara's Markdown and Details cost several).
ABOUT = (
    f"<div class='start-here'>{markdown_html(START_HERE)}</div>"
    + details(
        "About this model (what it is, what each mechanism does, what it is not)",
        markdown_html(INFO),
    )
    + details(
        "Every parameter of the model (as `escalation parameters` prints them)",
        markdown_html(parameter_tables()),
        "parameters",
    )
)


@solara.component
def SliderControl(state: PageState, name: str, value: float, note: str):
    """One slider: its value in words above it, its tooltip, and a note if it is extreme.
    Drawn again only when its own value changes (its arguments are plain values)."""
    low, high = slider_bounds(name)
    with Help(TOOLTIPS[name]):  # one root: a component of several would cost a widget more
        solara.Text(value_words(name, value), classes=["slider-value"])
        slider = solara.SliderInt if is_whole(name) else solara.SliderFloat
        slider(
            label=SLIDERS[name].label,
            value=value,
            min=low,
            max=high,
            step=SLIDERS[name].step,
            on_value=lambda moved: state.move(name, moved),
            tick_labels=False,
        )
        # Always there (empty and hidden when there is nothing to say): a child that comes
        # and goes would make the page re-create the slider, and a keyboard user lose it.
        solara.Text(note, classes=["esc-note", "extreme-note"])


@solara.component
def SwitchControl(state: PageState, name: str, on: bool):
    """One mechanism's switch, with its tooltip in words and a note when off closes a road."""
    with Help(switch_help(name)):
        solara.Checkbox(
            label=SWITCHES.get(name, name),
            value=on,
            on_value=lambda value: state.switch(name, value),
        )
        solara.Text(switch_note(name, on), classes=["esc-note", "extreme-note"])


@solara.component
def Controls(state: PageState):
    """The inputs: scenario, seed, a slider per parameter (its value in words above it, and a
    note when the value is extreme), a switch per mechanism, and "Restore defaults"."""
    settings = state.settings.value
    start = defaults(settings["scenario"])
    with solara.Div(classes=["settings"]):
        heading("Settings")
        line("A change restarts the run at day 0 with the new settings.", "hint")
        with Help(TOOLTIPS["scenario"]):
            solara.Select(
                label="Scenario",
                values=list(scenario_names()),
                value=settings["scenario"],
                on_value=state.choose_scenario,
            )
        with Help(TOOLTIPS["seed"]):
            solara.InputText(
                "Seed (a whole number; press Enter)",
                value=state.seed_text.value,
                on_value=state.commit_seed,
                continuous_update=False,
            )
        solara.HTML(  # always there, empty when the seed is fine (see SliderControl)
            tag="div",
            unsafe_innerHTML=html.escape(state.seed_error.value),
            classes=["esc-error", "seed-error"],
            attributes={"role": "alert"},
        )
        for name in SLIDERS:
            value = settings[name]
            SliderControl(state, name, value, slider_note(name, value, start[name]))
        heading("Mechanisms", 4)
        for name in Mechanisms.model_fields:
            SwitchControl(state, name, settings[name])
        with Help("Every control back to the reassurance scenario's values, seed 1."):
            solara.Button(
                "Restore defaults",
                on_click=state.restore_defaults,
                outlined=True,
                style={"text-transform": "none"},
            )


@solara.component
def PlayButtons(state: PageState, playing: bool, running: bool, speed: int):
    """Play or Pause, Step, Reset and the speed (drawn again only when one of them changes)."""
    with solara.Div(classes=["controls-row"]):
        with Help("Plays the run day by day at the speed chosen, to its end."):
            solara.Button(
                "Pause" if playing else "Play",
                on_click=state.play_or_pause,
                disabled=not running and not playing,
                color="primary",
                attributes={"id": "esc-play"},
            )
        with Help("One day of the run (Play stops)."):
            solara.Button("Step", on_click=state.step, disabled=not running)
        with Help("The run again from day 0, with the settings shown."):
            solara.Button("Reset", on_click=state.reset, outlined=True)
        solara.Text("Play speed, days per second:")
        for days in SPEEDS:
            solara.Button(
                str(days),
                on_click=lambda days=days: state.set_speed(days),
                outlined=days != speed,
                color="primary" if days == speed else None,
                style={"min-width": "44px", "padding": "0 8px"},
                attributes={
                    "aria-label": f"{days} days per second",
                    "aria-pressed": str(days == speed).lower(),
                    "title": f"Play {days} days per second",
                },
            )
    line(f"Speed: {speed} days per second (a year in about {365 / speed:.0f} s)", "speed-words")


@solara.component
def RunBar(state: PageState):
    """The buttons; the day, the outcome and P(war) in large type beside them (written by the
    session's view each frame, `Live`; the outcome and P(war) told to screen readers as they
    change, not the day)."""
    playing, running, speed = state.controls.value
    with solara.Div(classes=["run-bar"]):
        PlayButtons(state, playing, running, speed)
        line(state.problem.value, "esc-error", "action-problem")
        Live(state.attach, "bar")


@solara.component
def TabBar(state: PageState):
    """The panels of a narrow screen, one shown at a time (hidden from wide screens by CSS)."""
    with solara.Div(classes=["tab-bar"], attributes={"role": "tablist"}):
        for key, label in TABS:
            chosen = state.tab.value == key
            solara.Button(
                label,
                on_click=lambda key=key: state.tab.set(key),
                outlined=not chosen,
                color="primary",
                attributes={"role": "tab", "aria-selected": str(chosen).lower()},
            )


@solara.component
def Page():
    """The app; each browser page gets its own run (a class shares none)."""
    router = solara.use_router()
    state = use_page(router.search)
    solara.use_effect(
        lambda: threading.Thread(target=warm_up, name="warm-up", daemon=True).start(), []
    )
    # The address follows the page after every change, once changes pause for ADDRESS_DELAY
    # seconds (a slider dragged or stepped by its arrow key is one entry of the browser's
    # history, not one per value); the page follows the address when it changes by itself
    # (Back, Forward). One effect each way.
    address = state.address()
    search = solara.use_ref(router.search)
    search.current = router.search

    def push_later():
        seen = search.current

        def push() -> None:
            if state.address() != address:  # the page moved on: a newer timer pushes
                return
            if search.current != seen:  # Back or Forward meanwhile: the address leads now
                return
            if (search.current or "") != address:
                state.pushed = address
                router.push(router.path + (f"?{address}" if address else ""))

        timer = threading.Timer(ADDRESS_DELAY, push)
        timer.daemon = True
        timer.start()
        return timer.cancel

    solara.use_effect(push_later, [address])
    solara.use_effect(lambda: state.follow_address(router.search), [router.search])

    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.Div(classes=["esc-page"], attributes={"data-tab": state.tab.value}):
        BrowserSetup()
        solara.HTML(tag="h1", unsafe_innerHTML=html.escape(TITLE))
        solara.HTML(tag="div", unsafe_innerHTML=ABOUT, classes=["about"])
        if state.problems:  # fixed for the page's life: no sibling ever shifts
            solara.HTML(
                tag="ul",
                unsafe_innerHTML="".join(
                    f"<li class='esc-error address-problem'>{html.escape(p)}</li>"
                    for p in state.problems
                ),
            )
        RunBar(state)
        TabBar(state)
        with solara.Div(classes=["esc-grid"]):
            with solara.Div(classes=["esc-side"]):
                with solara.Div(classes=["panel", "panel-lesson"]):
                    LessonPanel(state)
                with solara.Div(classes=["panel", "panel-settings", "controls"]):
                    Controls(state)
            with solara.Div(classes=["esc-main"]):
                with solara.Div(classes=["panel", "panel-run", "main"]):
                    RunView(state)
                with solara.Div(classes=["panel", "panel-many"]):
                    ManyRuns(state)
                    Compare(state)
