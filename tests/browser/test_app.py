"""The teaching app in a real headless Chromium (Debian's), driven by Playwright.

Each test saves a screenshot into artifacts/ (ignored by git) for a person to look at.
The server is the real one: `escalation app` on a free loopback port, offline.
"""

import contextlib
import re
import shutil
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

if not Path(CHROMIUM).exists():  # .ci/run installs it; a developer machine may not have it
    pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium", pytrace=False)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    log = ARTIFACTS / "app-server.log"
    ARTIFACTS.mkdir(exist_ok=True)
    escalation = str(Path(sys.executable).parent / "escalation")
    with open(log, "w") as out:
        process = subprocess.Popen(
            [escalation, "app", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
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
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def page(server, request):
    url, _ = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1100})
        tab.goto(url, wait_until="load")
        tab.get_by_text("Event log").wait_for(timeout=60_000)
        yield tab
        tab.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
        browser.close()


def body(tab) -> str:
    return tab.inner_text("body")


def test_the_page_renders_offline_with_its_views(page, server):
    text = body(page)
    for expected in (
        "Escalation under a tripwire",
        "STEP",
        "troops (T)",
        "hotline quality (q)",
        "M3 random incidents on exposed actors.",
        "Event log",
        "Many runs",
        "Russia (challenger)",
        "Crisis rung 0: ceasefire holds (day 0)",
    ):
        assert expected in text
    assert page.locator("img").count() >= 1  # the hostility plot
    _, log = server
    assert "Could not load URL" not in log.read_text()  # nothing fetched from a CDN


def press_step(tab, times: int) -> None:
    for _ in range(times):
        tab.get_by_role("button", name="Step").click()
        tab.wait_for_timeout(100)


def test_stepping_advances_the_model_and_the_event_log_fills(page):
    from sim.app import TeachingModel
    from sim.timeline import timeline_lines

    press_step(page, 40)
    page.get_by_text("(day 40)").wait_for(timeout=30_000)
    model = TeachingModel(seed=1)  # the app's defaults
    for _ in range(40):
        model.step()
    expected = [" ".join(line.split()) for line in timeline_lines(model)]
    shown = [" ".join(line.split()) for line in page.locator("li").all_inner_texts()]
    assert len(expected) >= 2  # day 39: Russia climbs to rung 1
    assert shown == expected[-14:]


def test_moving_a_slider_changes_the_model(page):
    slider = page.get_by_text("troops (T)").locator("xpath=..").locator("[role=slider]")
    slider.focus()
    page.keyboard.press("Home")  # troops per guarantor to 0
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("France (guarantor)").wait_for()
    page.wait_for_function(
        "document.body.innerText.includes('troops 0\\ndeaths 0')"
        " && !document.body.innerText.includes('troops 5,000')",
        timeout=20_000,
    )
    assert "troops 5,000" not in body(page)
    press_step(page, 3)
    page.get_by_text(re.compile(r"\(day 3\)")).wait_for(timeout=20_000)


def test_the_many_runs_panel_shows_a_distribution(page):
    page.get_by_role("button", name=re.compile("Run 300 runs", re.I)).click()
    page.get_by_text(re.compile(r"P\(escalation\) = \d")).wait_for(timeout=60_000)
    text = body(page)
    assert re.search(r"Share of escalations caused by missteps: (\d+%|no escalation)", text)
    assert page.locator("img").count() >= 2  # the hostility plot and the outcome bars
