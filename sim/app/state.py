"""One browser page's state and actions: its session (the run), the settings shown, the lesson
beside the run, the settings kept as A and B, many runs and the comparison.

Everything a page shows lives here, in Solara reactive variables that outlive any re-drawing
of the page (a kept A is never lost to a change of settings), and the address is made from
them alone, so a reload or a shared link gives the same page. The components receive this one
object and read what they show from it: each is drawn again only when what it reads changes.
The run's parts (the Play bar's day and outcome, the chart and the timeline) are written
straight into two widgets each frame of Play (`show`), without re-drawing the page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import solara

from sim.app.charts import bar_html, run_panel
from sim.app.figures import outcome_figure, png, run_csv, run_figure
from sim.app.many import (
    MANY_RUNS,
    ManyResult,
    compare,
    many_result_of,
    many_runs,
    outcome_table,
    war_risk,
)
from sim.app.session import Session, View
from sim.app.settings import (
    PRESETS,
    Address,
    caption,
    defaults,
    from_address,
    is_whole,
    parse_seed,
    scenario_names,
    scenario_of,
    to_address,
    with_value,
)
from sim.app.widgets import LiveHTML

logger = logging.getLogger(__name__)
TABS = (("run", "Run"), ("lesson", "Lesson"), ("settings", "Settings"), ("many", "Many runs"))


def _same(a: object, b: object) -> bool:
    return a is b


@dataclass(eq=False)  # one per page, compared by identity (so components skip re-drawing)
class PageState:
    """A page's session and the reactive variables its components read."""

    session: Session
    problems: tuple[str, ...]  # what the address held that could not be used
    controls: solara.Reactive[tuple]  # (playing, running, speed): the Play bar's buttons
    settings: solara.Reactive[dict]
    lesson: solara.Reactive[str | None]
    kept: solara.Reactive[dict]  # {"A": settings or None, "B": ...}
    tab: solara.Reactive[str]  # the panel shown on a narrow screen
    seed_text: solara.Reactive[str]
    seed_error: solara.Reactive[str]
    problem: solara.Reactive[str]  # an action that failed, in one line
    many: solara.Reactive[ManyResult | None]
    many_pending: solara.Reactive[bool]
    runs_table: solara.Reactive[bool]  # the per-run table shown
    compared: solara.Reactive[tuple | None]  # (A, B, outcome table, title) or an error line
    compare_pending: solara.Reactive[bool]
    pushed: str = ""  # the address the page last put in the browser's address bar
    shown: View | None = None  # the view last drawn
    _live: dict = field(default_factory=dict)  # the live parts of the page, by name
    _drawing: threading.Lock = field(default_factory=threading.Lock)

    # -- the run

    def attach(self, name: str, widget: LiveHTML | None) -> None:
        """A live part of the page ("bar", "run") to write each view into (None: it went)."""
        with self._drawing:
            if widget is None:  # the page is going: nothing more to draw into it
                self._live.pop(name, None)
                return
            self._live[name] = widget
        self.show()

    def show(self) -> None:
        """Draw the session's newest view: written straight into the live parts (the Play bar
        first, then the run, so the chart is never newer than the counter), one at a time."""
        with self._drawing:
            view = self.session.view
            self.shown = view
            many = self.many_shown()
            war = (
                f"{war_risk(many.tally)} in {many.n:,} runs of these settings"
                if many
                else "P(war) of these settings: press Run 300 runs (under Many runs)."
            )
            bar, run = self._live.get("bar"), self._live.get("run")
            if bar is not None:
                html, outcome = bar_html(view)
                with bar.hold_sync():  # one message
                    bar.html = html
                    bar.announce = f'{outcome}<div class="war-now">{escape(war)}</div>'
            if run is not None:
                run.html = run_panel(view)
        self.controls.value = (view.playing, view.running, view.speed)

    def guarded(self, action: Callable[[], Any]) -> None:
        """Do it; an error is told in one line on the page, never as a traceback."""
        self.problem.value = ""
        try:
            action()
        except Exception as error:
            logger.warning("app action failed: %r", error)
            self.problem.value = f"That did not work: {error}"
        self.show()

    def change(self, settings: dict[str, Any], notice: str = "") -> None:
        """New settings, at once: the run restarts at day 0 and says so; the address follows."""
        said = notice or "Settings changed: the run restarted at day 0"
        try:
            self.session.restart(settings, notice=f"{said} ({caption(settings)}).")
        except ValueError as error:  # out of the scenario's range: say so, keep the run
            self.seed_error.value = f"These settings make no valid scenario: {error}"
            return
        self.show()  # the new run first: what a person waits for
        self.seed_error.value = ""
        self.seed_text.value = str(settings["seed"])
        self.settings.value = dict(settings)

    def move(self, name: str, value: float) -> None:
        """A slider moved (its followers with it, `with_value`)."""
        value = round(value) if is_whole(name) else round(float(value), 6)
        settings = self.settings.value
        if value != settings[name]:
            self.change(with_value(settings, name, value))

    def switch(self, name: str, on: bool) -> None:
        """A mechanism switched on or off."""
        if bool(on) != self.settings.value[name]:
            self.change({**self.settings.value, name: bool(on)})

    def choose_scenario(self, name: str) -> None:
        """Another scenario: every control to its values, the seed kept."""
        if name in scenario_names():
            self.change({**defaults(name), "seed": self.settings.value["seed"]})

    def restore_defaults(self) -> None:
        self.change(defaults())

    def commit_seed(self, text: str) -> None:
        """The seed typed: a new run with it, or a message beside the field (run kept)."""
        self.seed_text.value = text
        try:
            seed = parse_seed(text)
        except ValueError as error:
            self.seed_error.value = f"{error} The run keeps its previous seed."
            return
        self.change({**self.settings.value, "seed": seed})

    def play_or_pause(self) -> None:
        self.guarded(self.session.pause if self.session.playing else self.session.play)

    def step(self) -> None:
        self.guarded(self.session.step)

    def set_speed(self, speed: int) -> None:
        self.guarded(lambda: self.session.set_speed(speed))

    def reset(self) -> None:
        self.change(dict(self.settings.value), notice="Reset: the run restarted at day 0")

    def run_png(self) -> bytes:
        """The run's chart as shown now, as a PNG file (drawn when asked)."""
        return png(run_figure(self.shown))

    def run_csv(self) -> str:
        """The run's chart data as shown now, with each day's events, as CSV."""
        return run_csv(self.shown)

    def twins(self) -> None:
        """The run's twins, computed off the page's thread."""
        background(self.session.show_twins, lambda _, error: self.show())

    # -- lessons, A and B

    def open_lesson(self, number: str) -> None:
        """A lesson's start: every control as its first step says, its text beside the run."""
        preset = next(p for p in PRESETS if p.lesson == number)
        self.lesson.value = number
        self.change(preset.settings(), notice=f"Lesson {number}: the run restarted at day 0")

    def close_lesson(self) -> None:
        self.lesson.value = None

    def keep(self, slot: str) -> None:
        self.kept.value = {**self.kept.value, slot: dict(self.settings.value)}

    # -- many runs

    def request_many(self, n: int) -> None:
        """Runs 0..n-1 of the settings shown, on the server's pool, off the page's thread."""
        settings = dict(self.settings.value)
        self.many_pending.value = True

        def done(result: ManyResult | None, error: BaseException | None) -> None:
            self.many_pending.value = False
            if error is not None:
                self.problem.value = f"The many runs failed: {error}"
            elif result.settings == self.settings.value:  # else they belong to old settings
                self.many.value = result
                self.show()  # P(war) in the Play bar

        background(lambda: many_result_of(settings, n), done)

    def many_shown(self) -> ManyResult | None:
        """The many runs of the settings shown (results of other settings are not shown)."""
        many = self.many.value
        return many if many is not None and many.settings == self.settings.value else None

    def compare(self) -> None:
        """A against B, 300 runs each from A's seed, off the page's thread."""
        a, b = self.kept.value["A"], self.kept.value["B"]
        self.compare_pending.value = True

        def done(result: tuple | None, error: BaseException | None) -> None:
            self.compare_pending.value = False
            self.compared.value = f"Could not compare: {error}" if error else (a, b, *result)

        background(lambda: compare(a, b, MANY_RUNS), done)

    # -- the address

    def address(self) -> str:
        return to_address(self.settings.value, self.lesson.value, self.kept.value)

    def follow_address(self, query: str | None) -> None:
        """The page as the address says (Back and Forward): settings, lesson and A and B.
        The address the page itself pushed last is no news (the page may have moved on
        since; it pushes again)."""
        query = query or ""
        if query in (self.address(), self.pushed):
            return
        self.pushed = query  # now the page's address: Forward from here is news again
        found = from_address(query)
        if found.settings != self.settings.value:
            self.change(found.settings, notice="The address changed: the run restarted at day 0")
        self.lesson.value = found.lesson
        self.kept.value = dict(found.kept)

    # -- the page's side of the session

    def watch(self, cancel: threading.Event) -> None:
        """Draw each new view of the run (Play's frames) until the page goes: one drawing at a
        time, always the newest, so a slow drawing skips views instead of falling behind."""
        seen = self.session.version
        while not cancel.is_set() and not self.session.closed:
            version = self.session.wait(seen, timeout=0.5)
            if version != seen:
                seen = version
                self.show()


def background(work: Callable[[], Any], done: Callable[[Any, BaseException | None], None]):
    """Run `work` in its own thread, then `done(result, error)` (the error, never raised)."""

    def run() -> None:
        try:
            result = work()
        except Exception as error:
            logger.warning("background work failed: %r", error)
            done(None, error)
            return
        done(result, None)

    threading.Thread(target=run, name="page-work", daemon=True).start()


_warmed = threading.Event()
_warming = threading.Lock()


def warm_up() -> None:
    """Load (or compile) the compiled day and the ensemble engine, and matplotlib's fonts,
    once per server, so that a class's first Step, many runs and download do not wait."""
    with _warming:
        if _warmed.is_set():
            return
        settings = defaults()
        Session(settings).step()
        table = outcome_table([("warm-up", many_runs(scenario_of(settings), 1, runs=2))])
        png(outcome_figure(table, "warm-up"))
        _warmed.set()


def use_page(query: str | None) -> PageState:
    """The page's state, made once: the one place a session is made (from the address), and
    its end when the page goes (`Session.close`: Play stops, the watcher ends)."""
    start: Address = solara.use_memo(lambda: from_address(query), [])
    session = solara.use_memo(lambda: Session(start.settings), [])
    solara.use_effect(lambda: session.close, [])
    first = solara.use_memo(lambda: session.view, [])
    buttons = (first.playing, first.running, first.speed)
    state = PageState(
        session=session,
        problems=start.problems,
        controls=solara.use_reactive(buttons),
        settings=solara.use_reactive(start.settings),
        lesson=solara.use_reactive(start.lesson),
        kept=solara.use_reactive(dict(start.kept)),
        tab=solara.use_reactive("lesson" if start.lesson else "run"),
        seed_text=solara.use_reactive(str(start.settings["seed"])),
        seed_error=solara.use_reactive(""),
        problem=solara.use_reactive(""),
        many=solara.use_reactive(None, equals=_same),
        many_pending=solara.use_reactive(False),
        runs_table=solara.use_reactive(False),
        compared=solara.use_reactive(None, equals=_same),
        compare_pending=solara.use_reactive(False),
        pushed=query or "",
        shown=first,
    )
    state = solara.use_memo(lambda: state, [])  # the same object for the page's life
    solara.use_thread(state.watch, [], intrusive_cancel=False)
    return state
