"""The teaching app in a real headless Chromium (Debian's), driven by Playwright.

Each test saves a screenshot into artifacts/ (ignored by git) for a person to look at, and the
times a person waits (page load, a Step, 300 runs) go to artifacts/app-timings.txt.
The server is the real one: `escalation app` on a free loopback port, offline.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DECISIONS = "Actors choose actions (off: everyone holds)."

if not Path(CHROMIUM).exists():  # .ci/run installs it; a developer machine may not have it
    pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium", pytrace=False)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop the server's whole process group: `escalation app` runs solara as a child, which
    a signal to the parent alone would leave serving the port."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # anyone of the group still there?
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def timings():
    """Seconds a person waits, by what for; written to artifacts/ at the end."""
    times: dict[str, list[float]] = {}
    yield times
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [
        f"{what}: {min(t):.2f} s" + (f" to {max(t):.2f} s ({len(t)} times)" if len(t) > 1 else "")
        for what, t in times.items()
    ]
    (ARTIFACTS / "app-timings.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def server():
    port = free_port()
    log = ARTIFACTS / "app-server.log"
    ARTIFACTS.mkdir(exist_ok=True)
    escalation = str(Path(sys.executable).parent / "escalation")
    with open(log, "w") as out:
        process = subprocess.Popen(
            [escalation, "app", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the app did not start within 90 s"
            time.sleep(0.5)
        yield url, log
    finally:
        stop(process)


@pytest.fixture
def page(server, request, timings):
    url, _ = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1100})
        start = time.monotonic()
        tab.goto(url, wait_until="load")
        tab.get_by_text("Event log").wait_for(timeout=60_000)
        tab.locator("img").first.wait_for(timeout=60_000)  # the run's figure
        timings.setdefault("page load", []).append(time.monotonic() - start)
        yield tab
        tab.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
        browser.close()


def body(tab) -> str:
    return tab.inner_text("body")


def squeeze(lines: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in lines]


def log_shows(tab, lines: list[str]) -> None:
    """The event log's items are these lines (waiting a little: views update one by one)."""
    playwright.expect(tab.locator("li")).to_have_text(squeeze(lines), timeout=20_000)


def figure_source(tab) -> str:
    return tab.locator("img").first.get_attribute("src")


def press_step(tab, times: int, timings: dict | None = None) -> None:
    """Step `times` days, waiting for each day to show (the day is read off the page)."""
    day = int(re.search(r"\(day (\d+)\)", body(tab)).group(1))
    for _ in range(times):
        day += 1
        start = time.monotonic()
        tab.get_by_role("button", name="Step").click()
        tab.get_by_text(f"(day {day})").wait_for(timeout=60_000)
        if timings is not None:
            timings.setdefault("one Step (the page shows the next day)", []).append(
                time.monotonic() - start
            )


def press_reset(tab) -> None:
    tab.get_by_role("button", name="Reset").click()
    tab.get_by_text("(day 0)").wait_for(timeout=30_000)


def run_many(tab, timings: dict | None = None) -> None:
    start = time.monotonic()
    tab.get_by_role("button", name=re.compile("Run 300 runs", re.I)).click()
    tab.get_by_text(re.compile(r"P\(nuclear use\) = \d")).wait_for(timeout=120_000)
    tab.locator("table.roads").wait_for(timeout=30_000)
    if timings is not None:
        timings.setdefault("300 runs with their twins (results shown)", []).append(
            time.monotonic() - start
        )


def roads_table(tab) -> list[list[str]]:
    return [
        squeeze(row.locator("td").all_inner_texts())
        for row in tab.locator("table.roads tbody tr").all()
    ]


def test_the_page_renders_offline_with_its_views(page, server):
    from sim.app import BASE, TeachingModel, dyad_lines, model_params
    from sim.scenario import load_scenario
    from sim.timeline import NOT_A_FORECAST, timeline_lines

    text = body(page)
    params = model_params(load_scenario(BASE))
    labels = [spec["label"] for name, spec in params.items() if name != "seed"]
    assert len(labels) == 9 + 14  # the sliders and a switch per mechanism
    model = TeachingModel(seed=1)
    for expected in (
        "Escalation under a tripwire",
        "STEP",
        "RESET",
        *labels,
        "Event log",
        "Many runs",
        "Russia (challenger)",
        "France (guarantor)",
        "troops 5,000",
        'Crisis rung 1: warnings ("legitimate targets") (day 0)',
        *dyad_lines(model),  # e.g. Russia–France: rung 1, warnings ("legitimate targets")
        NOT_A_FORECAST,
    ):
        assert expected in text, expected
    log_shows(page, timeline_lines(model))  # day 0: Russia's public warning
    assert page.locator("img").count() == 1  # the run's figure; no many-runs results yet
    _, log = server
    assert "Could not load URL" not in log.read_text()  # nothing fetched from a CDN
    assert "Traceback" not in log.read_text()


def test_stepping_advances_the_day_and_the_views_follow(page, timings):
    from sim.app import TeachingModel, actor_lines, dyad_lines
    from sim.timeline import timeline_lines

    before = figure_source(page)
    press_step(page, 10, timings)
    page.wait_for_function(f"document.images[0].src !== {before!r}", timeout=30_000)
    model = TeachingModel(seed=1)  # the app's defaults
    for _ in range(10):
        model.step()
    expected = squeeze(timeline_lines(model))
    assert len(expected) >= 3  # a few days with something to tell
    log_shows(page, expected[-14:])
    shows = playwright.expect(page.locator("body"))
    for line in dyad_lines(model):
        shows.to_contain_text(line, use_inner_text=True)
    for actor in model.actors:  # a card's lines, whitespace squeezed
        shows.to_contain_text(" ".join(actor_lines(actor)), use_inner_text=True)


def test_a_run_played_to_its_end_shows_its_outcome(page):
    from sim.app import TeachingModel
    from sim.timeline import outcome_line, timeline_lines

    render = page.get_by_text("Render Interval (steps)").locator("xpath=..")
    render.locator("[role=slider]").focus()
    page.keyboard.press("End")  # draw every 99 days only: the year plays in seconds
    page.get_by_role("button", name="▶").click()
    model = TeachingModel(seed=1).run()
    page.get_by_text(f"(day {model.day})").wait_for(timeout=120_000)
    playwright.expect(page.get_by_text(outcome_line(model))).to_be_visible(timeout=20_000)
    log_shows(page, timeline_lines(model)[-14:])  # the newest 14 lines
    assert f"(day {model.day + 1})" not in body(page)  # the run stopped at its end


def test_each_browser_session_has_its_own_model(page):
    press_step(page, 2)
    other = page.context.browser.new_context().new_page()  # another student
    other.goto(page.url, wait_until="load")
    other.get_by_text("(day 0)").wait_for(timeout=60_000)
    press_step(other, 1)
    assert "(day 2)" in body(page) and "(day 1)" in body(other)
    other.context.close()


def test_a_switch_reaches_the_model_and_the_many_runs(page):
    switch = page.get_by_label(DECISIONS)
    playwright.expect(switch).to_be_checked()
    page.get_by_text(DECISIONS).click()
    playwright.expect(switch).not_to_be_checked()
    press_reset(page)
    press_step(page, 5)
    assert body(page).count("today: hold") == 4  # decisions off: everyone holds
    run_many(page)
    text = body(page)
    for outcome in ("limited war", "wider war", "nuclear use"):
        assert f"P({outcome}) = 0.0%" in text
    reason = "decisions are off, so no one strikes or attacks: war is impossible in any run"
    assert [row[-1] for row in roads_table(page)] == [reason] * 4


def test_moving_a_slider_changes_the_model(page):
    from sim.app import TeachingModel
    from sim.timeline import timeline_lines

    slider = page.get_by_text("troops per guarantor (T)").locator("xpath=..")
    slider.locator("[role=slider]").focus()
    page.keyboard.press("Home")  # troops per guarantor to 0
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(
        "document.body.innerText.includes('France (guarantor)\\ntroops 0\\n')"
        " && !document.body.innerText.includes('troops 5,000')",
        timeout=20_000,
    )
    # Russia's warning on day 0 now names no troops in theatre
    log_shows(page, timeline_lines(TeachingModel(seed=1, troops=0)))
    press_step(page, 3)


def test_the_many_runs_panel_shows_the_war_risks_and_the_roads(page, timings):
    from sim.app import BASE, many_runs, road_rows, war_lines
    from sim.scenario import load_scenario

    run_many(page, timings)
    spec = load_scenario(BASE)
    tally = many_runs(spec, seed=1)  # the app's defaults, computed here
    text = body(page)
    for line in war_lines(tally):
        assert line in text
    header = squeeze(page.locator("table.roads th").all_inner_texts())
    assert header[:3] == ["road (its twin)", "P(war)", "P(war in the twin)"]
    assert roads_table(page) == [list(row) for row in road_rows(tally, spec)]
    assert page.locator("img").count() == 2  # the run's figure and the outcome distribution
    press_reset(page)  # a new model: the old results go
    page.get_by_text("P(limited war) =").wait_for(state="detached", timeout=20_000)
    assert page.locator("table.roads").count() == 0
