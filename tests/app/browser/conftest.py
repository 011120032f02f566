"""The teaching app in a real headless Chromium (Debian's), driven by Playwright.

One server and one browser for all the browser tests of a pytest process (each test opens
its own pages): the server is the real `escalation app` on a free loopback port, offline,
stopped at the end with `kill -TERM` of its PID alone, which must stop it and everything it
started. Each page is screenshot into artifacts/ (ignored by git) at the end of its test, and
the times a person waits go to artifacts/app-timings.txt (figures, not pass/fail).
"""

import contextlib
import os
import re
import time
from pathlib import Path

import pytest

from tests.app.browser.harness import ARGS, CHROMIUM, ROOT, start_server, stop

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
# A loaded machine (the suite runs on two workers beside other tests) can take seconds to
# show what a quiet one shows at once; waiting longer costs a passing test nothing.
expect.set_options(timeout=15_000)

ARTIFACTS = ROOT / "artifacts"
# What a Python error would put on the page or in the server's log.
ERRORS = re.compile(r"Traceback|Error:|Exception|dictionary changed size")

if not Path(CHROMIUM).exists():  # .ci/run installs it; a developer machine may not have it
    pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium", pytrace=False)


@pytest.fixture(scope="session")
def timings():
    """Seconds a person waits, by what for; written to artifacts/ at the end."""
    times: dict[str, list[float]] = {}
    yield times
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [
        f"{what}: {min(t):.2f} s" + (f" to {max(t):.2f} s ({len(t)} times)" if len(t) > 1 else "")
        for what, t in times.items()
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    (ARTIFACTS / f"app-timings-{os.getpid()}.txt").write_text(
        f"load average at the end: {load}\n" + "\n".join(lines) + "\n"
    )


@pytest.fixture(scope="session")
def server():
    """The app's server, one for the session; at the end it must stop on `kill -TERM` and
    its log must hold no error and no file missing from the offline front-end."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"app-server-{os.getpid()}.log"
    process, url = start_server(log)
    try:
        yield url
    finally:
        assert stop(process), "kill -TERM of `escalation app` left a server running"
    text = log.read_text()
    assert "Could not load URL" not in text  # nothing fetched from a CDN
    assert not ERRORS.search(text), text[-3000:]


@pytest.fixture(scope="session")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(server, browser, request, timings):
    """Open the app at a viewport width (an address query, touch); each is screenshot into
    artifacts/ and checked for error text at the end of the test."""
    pages = []

    def opener(width: int = 1440, query: str = "", height: int = 900, touch: bool = False):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            accept_downloads=True,
            has_touch=touch,
            is_mobile=touch,
        )
        tab = context.new_page()
        start = time.monotonic()
        tab.goto(server + query, wait_until="load")
        tab.locator(".day-monitor").wait_for(timeout=60_000)
        tab.locator(".run-chart").wait_for(state="attached", timeout=60_000)
        timings.setdefault("page load (to the run's chart)", []).append(time.monotonic() - start)
        pages.append((tab, width))
        return tab

    try:
        yield opener
    finally:
        for k, (tab, width) in enumerate(pages):
            name = f"{request.node.name}-{width}" + (f"-{k}" if k else "")
            with contextlib.suppress(Exception):
                tab.screenshot(path=ARTIFACTS / f"{name}.png")
            text = tab.inner_text("body")
            tab.context.close()
            assert not ERRORS.search(text), text[:3000]


# -- helpers the tests share


def body(tab) -> str:
    return " ".join(tab.inner_text("body").split())


def day_of(tab) -> int:
    return int(re.search(r"Day (\d+) of", tab.locator(".day-monitor").inner_text()).group(1))


def wait_day(tab, day: int, timeout: float = 60_000) -> None:
    expect(tab.locator(".day-monitor")).to_contain_text(f"Day {day} of", timeout=timeout)


def button(tab, name: str):
    return tab.get_by_role("button", name=name, exact=True)


def squeeze(lines: list[str]) -> list[str]:
    return [" ".join(line.split()) for line in lines]


def run_many(tab, n: int, timings: dict | None = None) -> None:
    """Press "Run n runs" and wait for the war risks and the roads table."""
    start = time.monotonic()
    tab.get_by_role("button", name=f"Run {n:,} runs").click()
    # wait_for watches the page continuously (expect() polls at 0.1, 0.25, 0.5, 1 s steps).
    tab.locator(".war-now", has_text=f"in {n:,} runs").wait_for(timeout=120_000)
    tab.locator("table.roads").wait_for(timeout=30_000)
    if timings is not None:
        timings.setdefault(f"{n:,} runs with their twins (to the numbers)", []).append(
            time.monotonic() - start
        )


def move_slider(tab, label: str, keys: list[str]) -> None:
    """A slider moved by keyboard, as a person without a mouse would."""
    tab.get_by_role("slider", name=label).focus()
    for key in keys:
        tab.keyboard.press(key)


def page_numbers(settings: dict, n: int = 300) -> tuple[list[str], list[tuple[str, ...]]]:
    """What the page shows after "Run n runs" of these settings, computed here by the page's
    own functions: P(war) and the war risks, and the roads table's rows."""
    from sim.app.many import many_runs, road_rows, war_lines, war_risk
    from sim.app.settings import scenario_of

    spec = scenario_of(settings)
    tally = many_runs(spec, settings["seed"], n)
    return [war_risk(tally), *war_lines(tally)], road_rows(tally, spec)


def table_cells(tab, name: str) -> list[list[str]]:
    return [
        squeeze(row.locator("td").all_inner_texts())
        for row in tab.locator(f"table.{name} tbody tr").all()
    ]


def shown_tips(tab) -> list[str]:
    """The tooltips on screen now (each control's `data-tip`, drawn by CSS when shown)."""
    return tab.evaluate(
        """() => [...document.querySelectorAll('.esc-help')]
             .filter(e => getComputedStyle(e, '::after').display !== 'none')
             .map(e => e.dataset.tip)"""
    )


def wait_until(condition, seconds: float = 10.0, what: str = "") -> None:
    """Poll `condition` until it holds (for what the page shows but a locator cannot name)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(0.05)


def switch(tab, label: str):
    """A mechanism's switch, by the label the page shows (a click on it flips the switch)."""
    return tab.locator("label.v-label").filter(has_text=re.compile(f"^{re.escape(label)}$"))
