"""Benchmark: what one person waits for in the app, on a quiet machine or with both cores busy.

Starts `escalation app` on a free port and opens the page in headless Chromium (as the browser
tests do), then times, from the click to the page showing the result: the page load (to the
run's chart), a Step (five of them), Pause during Play at 40 days a second, a year of Play at
40 days a second (to the outcome), "Run 300 runs" and "Run 3,000 runs" (to the war risks,
roads and outcome bars, which show together), and "Compare A and B" (300 runs each), each
--repeats times. With --busy, two processes spin on the CPU meanwhile (both cores busy; they
stop at the end, whatever happens). For many sessions at once, see benchmarks/app_load.py.

    .venv/bin/python benchmarks/app.py [--repeats 3] [--busy]
"""

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.app.browser.harness import ARGS, CHROMIUM, shows, start_server, stop  # noqa: E402

SPIN = "import time\nend = time.monotonic() + {s}\nwhile time.monotonic() < end: pass"


@contextlib.contextmanager
def both_cores_busy(on: bool, seconds: int = 900):
    """Two processes spinning on the CPU while the block runs (and never past `seconds`)."""
    hogs = [subprocess.Popen([sys.executable, "-c", SPIN.format(s=seconds)]) for _ in range(2 * on)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait(timeout=10)


# What the page shows, as JavaScript, watched every 20 ms (`shows`).
CHART_DAY = "(day) => document.querySelector('.run-chart')?.dataset.day === day"
PLAY = "() => document.querySelector('#esc-play').textContent.trim() === 'Play'"
WAR_NOW = "(words) => document.querySelector('.war-now')?.textContent.includes(words)"


def timed(waits: dict, what: str, action, done) -> None:
    began = time.monotonic()
    action()
    done()
    waits.setdefault(what, []).append(time.monotonic() - began)


def one_person(url: str, waits: dict) -> None:
    """One pass over what a person does, its waits added to `waits`."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1440, "height": 900})
        timed(waits, "page load (to the run's chart)",
              lambda: tab.goto(url, wait_until="load"),
              lambda: shows(tab, "() => document.querySelector('.run-chart')",
                            timeout=60_000))  # fmt: skip
        for day in range(1, 6):
            timed(waits, "one Step (the day and the chart)",
                  tab.get_by_role("button", name="Step", exact=True).click,
                  lambda day=day: shows(tab, CHART_DAY, str(day)))  # fmt: skip
        tab.get_by_role("button", name="40 days per second").click()
        tab.get_by_role("button", name="Play", exact=True).click()
        time.sleep(1.5)
        timed(waits, "Pause during Play at 40 days per second",
              tab.get_by_role("button", name="Pause").click,
              lambda: shows(tab, PLAY))  # fmt: skip
        tab.get_by_role("button", name="Reset").click()
        expect(tab.locator(".day-monitor")).to_contain_text("Day 0 of")
        timed(waits, "a year of Play at 40 days per second (to the outcome)",
              tab.get_by_role("button", name="Play", exact=True).click,
              lambda: shows(tab, "() => document.querySelector('.outcome')",
                            timeout=120_000))  # fmt: skip
        for n in (300, 3000):
            time.sleep(0.5)
            timed(waits, f"{n:,} runs with their twins (war risks, roads, outcome bars)",
                  tab.get_by_role("button", name=f"Run {n:,} runs").click,
                  lambda n=n: shows(tab, WAR_NOW, f"in {n:,} runs",
                                    timeout=120_000))  # fmt: skip
        tab.get_by_role("button", name="Keep these settings as A").click()
        tab.get_by_role("button", name="Lesson 1: The tripwire").click()
        expect(tab.locator(".run-chart")).to_contain_text("troops per guarantor: 0")
        tab.get_by_role("button", name="Keep these settings as B").click()
        compare = tab.get_by_role("button", name="Compare A and B (300 runs each)")
        expect(compare).to_be_enabled()
        timed(waits, "compare A and B (300 runs each)", compare.click,
              lambda: shows(tab, "() => document.querySelector('table.compare')",
                            timeout=120_000))  # fmt: skip
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, choices=range(1, 11))
    parser.add_argument("--busy", action="store_true", help="both cores busy meanwhile")
    args = parser.parse_args()
    print(f"load average at the start {os.getloadavg()[0]:.1f}; busy: {args.busy}")
    waits: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch, both_cores_busy(args.busy):
        server, url = start_server(Path(scratch) / "server.log")
        try:
            for _ in range(args.repeats):
                one_person(url, waits)
        finally:
            stop(server)
    for what, times in waits.items():
        print(f"| {what} | {min(times):.2f} to {max(times):.2f} s |")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
