"""The teaching app in a real headless Chromium (Debian's), driven by Playwright.

Each test saves screenshots into artifacts/ (ignored by git) for a person to look at, and the
times a person waits (page load, a Step, a year of Play, 300 and 3,000 runs) go to
artifacts/app-timings.txt (benchmarks, not pass/fail). The server is the real one:
`escalation app` on a free loopback port, offline, stopped with `kill -TERM` of its PID.
To keep the suite short, each test loads the page once and checks many things on it.
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
expect = playwright.expect

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
# What a Python error would put on the page or in the server's log.
ERRORS = re.compile(r"Traceback|Error:|Exception|dictionary changed size")

if not Path(CHROMIUM).exists():  # .ci/run installs it; a developer machine may not have it
    pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium", pytrace=False)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process: subprocess.Popen) -> bool:
    """`kill -TERM` of the server's PID alone; True if that stopped it and its whole process
    group within 20 s. Whatever is left is then killed, so no server outlives the tests."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGTERM)
    stopped = True
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        stopped = False
    deadline = time.monotonic() + 20
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if group_alive(process.pid):
        stopped = False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    return stopped


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
            start_new_session=True,  # its own process group, to check nothing outlives it
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
        assert stop(process), "kill -TERM of `escalation app` left a server running"
    text = log.read_text()
    assert "Could not load URL" not in text  # nothing fetched from a CDN
    assert not ERRORS.search(text), text[-3000:]


@pytest.fixture
def open_page(server, request, timings):
    """Open the app at a viewport width (and an address query); screenshot it at the end."""
    url, _ = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = []

        def opener(width: int = 1440, query: str = "", height: int = 900):
            tab = browser.new_page(
                viewport={"width": width, "height": height}, accept_downloads=True
            )
            start = time.monotonic()
            tab.goto(url + query, wait_until="load")
            tab.locator(".day-monitor").wait_for(timeout=60_000)
            tab.locator("img.run-chart, .run-chart img").first.wait_for(timeout=60_000)
            timings.setdefault("page load", []).append(time.monotonic() - start)
            pages.append((tab, width))
            return tab

        try:
            yield opener
        finally:
            for k, (tab, width) in enumerate(pages):
                name = f"{request.node.name}-{width}" + (f"-{k}" if k else "")
                tab.screenshot(path=ARTIFACTS / f"{name}.png")
                assert_no_error_on(tab)
            browser.close()


def body(tab) -> str:
    return tab.inner_text("body")


def assert_no_error_on(tab) -> None:
    assert not ERRORS.search(body(tab)), body(tab)[:3000]


def day_of(tab) -> int:
    return int(re.search(r"Day (\d+) of", tab.locator(".day-monitor").inner_text()).group(1))


def wait_day(tab, day: int, timeout: float = 60_000) -> None:
    expect(tab.locator(".day-monitor")).to_contain_text(f"Day {day} of", timeout=timeout)


def press_step(tab, times: int, timings: dict | None = None) -> None:
    """Step `times` days, waiting for each day to show."""
    day = day_of(tab)
    for _ in range(times):
        day += 1
        start = time.monotonic()
        tab.get_by_role("button", name="Step", exact=True).click()
        wait_day(tab, day)
        if timings is not None:
            timings.setdefault("one Step (the page shows the next day)", []).append(
                time.monotonic() - start
            )


def switch(tab, label: str):
    return tab.get_by_label(label)


def flip(tab, label: str) -> None:
    tab.get_by_text(label, exact=True).click()


def run_many(tab, n: int, timings: dict) -> None:
    start = time.monotonic()
    tab.get_by_role("button", name=f"Run {n:,} runs").click()
    # wait_for watches the page continuously (expect() polls at 0.1, 0.25, 0.5, 1 s steps).
    tab.locator(".risk-monitor", has_text=f"in {n:,} runs").first.wait_for(timeout=120_000)
    tab.locator("table.roads").wait_for(timeout=30_000)
    timings.setdefault(f"{n:,} runs with their twins (numbers and roads table shown)", []).append(
        time.monotonic() - start
    )
    tab.locator(".outcome-pending").wait_for(state="detached", timeout=60_000)
    tab.locator("img.outcome-chart, .outcome-chart img").first.wait_for(timeout=30_000)
    timings.setdefault(f"{n:,} runs with their twins (chart shown)", []).append(
        time.monotonic() - start
    )


def squeeze(lines: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in lines]


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"] + 1
        or b["x"] + b["width"] <= a["x"] + 1
        or a["y"] + a["height"] <= b["y"] + 1
        or b["y"] + b["height"] <= a["y"] + 1
    )


REGIONS = (".controls", ".monitors", ".run-chart", ".network", ".event-log", ".decisions")


def check_layout(tab, width: int) -> None:
    """Nothing sticks out sideways, and the page's regions, the cards and the buttons do not
    overlap one another."""
    overflow = tab.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    assert overflow <= width, f"the page is {overflow} px wide in a {width} px window"
    boxes = {}
    for selector in REGIONS:
        box = tab.locator(selector).first.bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
        boxes[selector] = box
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not boxes_overlap(boxes[a], boxes[b]), (a, b, boxes[a], boxes[b])
    cards = [c.bounding_box() for c in tab.locator(".actor-card").all()]
    buttons = [b.bounding_box() for b in tab.locator("button:visible").all()]
    for group in (cards, buttons):
        group = [g for g in group if g]
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                assert not boxes_overlap(a, b), (a, b)


def check_accessible_names(tab) -> None:
    """Every button and slider has an accessible name of words (not a symbol such as '▶')."""
    from sim.app.settings import SLIDERS

    names = tab.evaluate(
        """() => [...document.querySelectorAll('button')].filter(b => b.offsetParent !== null)
             .map(b => (b.getAttribute('aria-label') || b.innerText || b.title || '').trim())"""
    )
    assert names and all(re.search(r"[A-Za-z0-9]{1,}", n) for n in names), names
    sliders = tab.locator("[role=slider]").evaluate_all("s => s.map(e => e.ariaLabel)")
    assert sliders == [slider.label for slider in SLIDERS.values()]


def test_the_page_shows_its_numbers_and_explains_itself_at_1440(open_page, timings):
    from sim.app.session import Session, run_csv
    from sim.app.settings import SLIDERS, SWITCHES, caption, defaults, value_words

    tab = open_page(1440)
    text = body(tab)
    start = defaults()
    view = Session(start).view
    for expected in (
        "Escalation under a tripwire",
        *(value_words(name, start[name]) for name in SLIDERS),
        *SWITCHES.values(),
        "troops per guarantor: 5,000",
        "Day 0 of 365 · crisis rung 1 · deaths 0",
        *view.dyads,
        "Play speed, days per second:",
        "Speed: 20 days per second",
        caption(start),
        "not a forecast",
    ):
        assert expected in text, expected
    for symbol in (
        "(T)",
        "(r)",
        "(τ)",
        "Render Interval",
        "Use Threads",
        "PAGE 0",
        "runs on Solara",
    ):
        assert symbol not in text, symbol
    check_accessible_names(tab)
    check_layout(tab, 1440)
    for line in view.dyads:  # the network's edges say each dyad's rung in words
        rung = line.split(": ", 1)[1].replace(", ", ": ", 1)
        expect(tab.locator(".network")).to_contain_text(rung)
    # Chart text readable when projected: shown at (nearly) its own size, whose text is at
    # least 14 px (tests/app/test_session.py checks the figure's text sizes).
    ratio = tab.evaluate(
        "() => { const i = document.querySelector('.run-chart img, img.run-chart');"
        " return i.getBoundingClientRect().width / i.naturalWidth; }"
    )
    assert ratio >= 0.99, ratio
    # The Info panel, and a tooltip for a control (hover).
    tab.get_by_text("About this model").click()
    expect(tab.get_by_text("What it is not.")).to_be_visible()
    tab.get_by_text("hotline quality: 0.30 of 1 (poor)").hover()
    hover = tab.locator(".v-tooltip__content", has_text="misread as a deliberate attack")
    expect(hover).to_be_visible(timeout=10_000)
    expect(tab.locator(".focus-hint:visible")).to_have_count(0)  # no focus, no hint
    # Keyboard: Tab from Play reaches Step and shows its tooltip; Enter presses it.
    tab.get_by_role("button", name="Play", exact=True).focus()
    tab.keyboard.press("Tab")
    expect(tab.locator(".focus-hint:visible")).to_have_text(["One day of the run."])
    tab.keyboard.press("Enter")
    wait_day(tab, 1)
    press_step(tab, 3, timings)
    model = Session(start)
    model.step(until=4)
    expect(tab.locator(".event-log li")).to_have_text(squeeze(model.view.log), timeout=20_000)
    expect(tab.locator(".decisions li")).to_have_text(squeeze(model.view.decisions))
    for lines, _ in model.view.cards:
        expect(tab.locator("body")).to_contain_text(" ".join(lines), use_inner_text=True)
    # Exports: the chart as PNG and its data as CSV (once the chart shows day 4).
    expect(tab.locator("body")).to_contain_text(f"{caption(start)}, day 4.", timeout=30_000)
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download chart (PNG)").first.click()
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download chart data (CSV)").first.click()
    csv = Path(download.value.path()).read_text().splitlines()
    assert csv[0].startswith("day,") and "Russia-France rung" in csv[0]
    assert len(csv) == 1 + 5  # days 0 to 4
    assert csv[1:] == run_csv(model.view.chart).splitlines()[1:]


def test_bad_input_gets_a_message_beside_it_and_settings_apply_at_once(open_page, timings):
    from sim.app.many import many_runs, road_rows, war_lines
    from sim.app.session import Session
    from sim.app.settings import caption, defaults, scenario_of

    tab = open_page(1440)
    seed = tab.get_by_label("Seed (a whole number; press Enter)")
    for bad in ("abc", "-3", "1e99", "99999999999999999999"):
        seed.fill(bad)
        seed.press("Enter")
        expect(tab.locator(".seed-error")).to_contain_text(f"{bad!r}", timeout=10_000)
        assert_no_error_on(tab)
    tab.get_by_role("button", name="Reset").click()  # a bad seed, then Reset: the old seed
    expect(tab.locator(".restart-notice")).to_contain_text("Reset: the run restarted at day 0")
    assert "seed 1," in body(tab)
    assert_no_error_on(tab)
    seed.fill("3")
    seed.press("Enter")
    expect(tab.locator(".seed-error")).to_have_count(0, timeout=10_000)
    expect(tab.locator("body")).to_contain_text("seed 3", timeout=10_000)
    expect(tab).to_have_url(re.compile(r"[?&]seed=3\b"))  # the address follows the page
    # Many runs belong to the settings shown; a change restarts the run and clears them.
    # Timed alone, as a teacher presses the button: once the restarted run's chart is drawn.
    expect(tab.get_by_text(re.compile(r"Chart of this run:.*seed 3\b"))).to_be_visible()
    run_many(tab, 300, timings)
    settings = {**defaults(), "seed": 3}
    tally = many_runs(scenario_of(settings), 3, 300)
    for line in war_lines(tally):
        assert line in body(tab), line
    cells = [
        squeeze(row.locator("td").all_inner_texts())
        for row in tab.locator("table.roads tbody tr").all()
    ]
    assert cells == [list(row) for row in road_rows(tally, scenario_of(settings))]
    assert f"Outcomes of 300 runs: {caption(settings)}" in body(tab)
    with tab.expect_download() as download:  # the outcome chart's data
        tab.get_by_role("button", name="Download chart data (CSV)").nth(1).click()
    table = Path(download.value.path()).read_text().splitlines()
    assert table[0] == "settings,outcome,count,of,share,low,high" and len(table) == 6
    assert [int(row.split(",")[2]) for row in table[1:]] == list(tally.outcomes)
    run_many(tab, 3000, timings)
    switch(tab, "Missteps (random incidents)").focus()  # by keyboard
    tab.keyboard.press("Space")
    expect(tab.locator(".restart-notice")).to_contain_text("the run restarted at day 0")
    expect(tab.locator(".risk-monitor")).to_have_count(0)
    expect(tab.locator(".many-none")).to_be_visible()
    expect(tab).to_have_url(re.compile(r"[?&]missteps=0\b"))
    changed = {**settings, "missteps": False}
    assert caption(changed) in body(tab)
    # A slider moved by keyboard applies at once: troops to 0, the cards say so.
    tab.get_by_role("slider").first.focus()
    tab.keyboard.press("Home")
    expect(tab.locator("body")).to_contain_text("troops per guarantor: 0", use_inner_text=True)
    expect(tab.locator(".actor-card").nth(2)).to_contain_text("troops 0")
    expect(tab).to_have_url(re.compile(r"[?&]troops=0\b"))
    view = Session({**changed, "troops": 0}).view
    expect(tab.locator(".event-log li")).to_have_text(squeeze(view.log))


def test_play_at_every_speed_with_toggles_never_breaks_and_a_year_stops_at_its_end(
    open_page, timings
):
    from sim.app.session import SPEEDS, Session
    from sim.app.settings import defaults

    tab = open_page(1440)
    decide = switch(tab, "Actors decide (off: everyone holds)")
    for k, days in enumerate(SPEEDS):
        tab.get_by_role("button", name=f"{days} days per second").click()
        tab.get_by_role("button", name="Play", exact=True).click()
        expect(tab.get_by_role("button", name="Pause")).to_be_visible()
        time.sleep(1.0)
        if k % 2 == 0:  # a toggle while playing: the run restarts, says so, play stops
            flip(tab, "Actors decide (off: everyone holds)")
            expect(tab.locator(".restart-notice")).to_be_visible()
            expect(tab.get_by_role("button", name="Play", exact=True)).to_be_visible()
        else:
            tab.get_by_role("button", name="Pause").click()
        assert_no_error_on(tab)
    tab.get_by_role("button", name="Restore defaults").click()
    wait_day(tab, 0)
    expect(decide).to_be_checked()
    # A year at the fastest speed, timed from the click to the outcome on the page.
    tab.get_by_role("button", name=f"{SPEEDS[-1]} days per second").click()
    start = time.monotonic()
    tab.get_by_role("button", name="Play", exact=True).click()
    expect(tab.locator(".outcome")).to_be_visible(timeout=60_000)
    timings.setdefault("Play of a year at the fastest speed", []).append(time.monotonic() - start)
    ended = Session(defaults())
    ended.step(until=365)
    assert day_of(tab) == 365
    expect(tab.locator(".outcome")).to_have_text(ended.view.outcome)
    assert "Day 366" not in body(tab) and "day 366" not in body(tab)
    expect(tab.get_by_role("button", name="Play", exact=True)).to_be_disabled()
    expect(tab.locator("body")).to_contain_text(", day 365.", timeout=30_000)  # the chart too
    # The run's twins on demand, beside it.
    tab.get_by_role("button", name="Show this run's twins").click()
    expect(tab.locator(".twins")).to_contain_text("Twin without missteps", timeout=30_000)
    ended.show_twins()
    for line in ended.view.twins[2:]:
        assert " ".join(line.split()) in " ".join(body(tab).split())
    # Another student's page is another run.
    other = open_page(1440)
    press_step(other, 1)
    assert day_of(tab) == 365 and day_of(other) == 1


def test_lesson_presets_the_address_and_compare(open_page, timings):
    from sim.app.many import compare
    from sim.app.settings import PRESETS, caption

    tab = open_page(1440, "?troops=2000&seed=7&hotline_quality=0.8&bogus=1")
    expect(tab.locator("body")).to_contain_text("troops per guarantor: 2,000")
    assert "hotline quality: 0.80 of 1 (good)" in body(tab)
    assert "seed 7" in body(tab)
    expect(tab.locator(".address-problem")).to_contain_text("unknown setting 'bogus'")
    tab.get_by_role("button", name="Lesson 2: Protection or provocation").click()
    settings = PRESETS[1].settings()
    expect(tab.locator("body")).to_contain_text(caption(settings))
    assert "troops per guarantor: 1,000" in body(tab)
    assert "challenger's threat perception: 0.90 of 1 (fearful)" in body(tab)
    tab.get_by_role("button", name="Keep these settings as A").click()
    tab.get_by_role("button", name="Lesson 1: The tripwire").click()
    expect(tab.locator("body")).to_contain_text("troops per guarantor: 0")
    tab.get_by_role("button", name="Keep these settings as B").click()
    start = time.monotonic()
    tab.get_by_role("button", name="Compare A and B (300 runs each)").click()
    tab.locator("table.compare").wait_for(timeout=120_000)
    timings.setdefault("compare A and B (300 runs each)", []).append(time.monotonic() - start)
    table, title = compare(settings, PRESETS[0].settings(), 300)
    assert " ".join(title.split()) in " ".join(body(tab).split())
    rows = [
        squeeze(row.locator("td").all_inner_texts())
        for row in tab.locator("table.compare tbody tr").all()
    ]
    assert len(rows) == 10 and rows[0][0] == "A" and rows[5][0] == "B"
    for row, expected in zip(rows, table.itertuples(), strict=True):
        assert row[2] == f"{expected.share:.1%}"
    # The scenario menu: another crisis, its own actors and values.
    tab.get_by_label("Scenario").click(force=True)
    tab.get_by_role("option", name="korea").click()
    expect(tab.locator(".network")).to_contain_text("South Korea (protege)")
    assert "troops per guarantor: 28,500" in body(tab)
    expect(tab).to_have_url(re.compile(r"[?&]scenario=korea\b"))
    tab.get_by_role("button", name="Restore defaults").click()
    expect(tab.locator("body")).to_contain_text("troops per guarantor: 5,000")
    expect(tab).to_have_url(re.compile(r"^[^?]*\??$"))  # no setting left in the address


@pytest.mark.parametrize("width", [768, 390])
def test_tablet_and_phone_layouts(open_page, width):
    tab = open_page(width, height=1000)
    check_layout(tab, width)
    check_accessible_names(tab)
    press_step(tab, 1)
    tab.get_by_role("button", name="Play", exact=True).click()
    expect(tab.locator(".day-monitor")).not_to_contain_text("Day 1 of", timeout=20_000)
    tab.get_by_role("button", name="Pause").click()
