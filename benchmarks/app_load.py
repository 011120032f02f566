"""Benchmark: a class at once. N browser sessions on one server (loopback), acting together.

Starts `escalation app` on a free port and opens N pages in one headless Chromium (a context
each: N students). Then, with every page open:

1. all N press "Run 300 runs" at once; each page's wait until its war risks show;
2. all N press Step at once; each page's wait until its next day shows;
3. half the pages press "Run 3,000 runs" while the other half press Step five times each:
   how long a Step takes while the server works through the class's many runs.

Prints each wait's median, 90th percentile and maximum, with the load average, and the CPU
time the server itself used in each step (the browser's pages share the machine's two cores
with it here; in a class they run on the students' own devices). Bounded: at most 40
sessions, every wait at most --timeout seconds; the server and the browser are stopped at
the end, whatever happens.

    .venv/bin/python benchmarks/app_load.py --sessions 10
    .venv/bin/python benchmarks/app_load.py --sessions 30
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.app.browser.harness import ARGS, CHROMIUM, POLL_MS, start_server, stop  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerCPU:
    """The server's CPU seconds used since the last call."""

    def __init__(self, pid: int) -> None:
        self.pid, self.last = pid, cpu_seconds(pid)

    def __call__(self) -> str:
        now = cpu_seconds(self.pid)
        used, self.last = now - self.last, now
        return f"; the server used {used:.1f} s of CPU"


def summary(name: str, waits: list[float]) -> str:
    waits = sorted(waits)
    p90 = waits[min(len(waits) - 1, int(0.9 * len(waits)))]
    return (
        f"{name}: median {statistics.median(waits):.2f} s, 90th percentile {p90:.2f} s, "
        f"max {waits[-1]:.2f} s ({len(waits)} pages)"
    )


async def timed(action, done) -> float:
    began = time.monotonic()
    await action()
    await done()
    return time.monotonic() - began


async def day_of(tab) -> int:
    text = await tab.locator(".day-monitor").inner_text()
    return int(text.split()[1])


async def step(tab, timeout: float) -> float:
    day = await day_of(tab)
    return await timed(
        tab.get_by_role("button", name="Step", exact=True).click,
        lambda: tab.wait_for_function(
            "(words) => document.querySelector('.day-monitor').textContent.includes(words)",
            arg=f"Day {day + 1} of",
            polling=POLL_MS,
            timeout=timeout * 1000,
        ),
    )


async def run_many(tab, n: int, timeout: float) -> float:
    return await timed(
        tab.get_by_role("button", name=f"Run {n:,} runs").click,
        lambda: tab.wait_for_function(
            "(words) => document.querySelector('.war-now')?.textContent.includes(words)",
            arg=f"in {n:,} runs",
            polling=POLL_MS,
            timeout=timeout * 1000,
        ),
    )


async def main(sessions: int, timeout: float) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        process, url = start_server(Path(scratch) / "server.log")
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    await measure(browser, url, sessions, timeout, ServerCPU(process.pid))
                finally:
                    await browser.close()
        finally:
            stopped = stop(process)
            print("server stopped on kill -TERM" if stopped else "server had to be killed")


async def open_tab(browser, url: str, timeout: float):
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    tab = await context.new_page()
    began = time.monotonic()
    await tab.goto(url, wait_until="load", timeout=timeout * 1000)
    await tab.locator(".run-chart").wait_for(state="attached", timeout=timeout * 1000)
    return tab, time.monotonic() - began


async def measure(browser, url: str, sessions: int, timeout: float, cpu) -> None:
    print(f"{sessions} sessions; load average {os.getloadavg()[0]:.1f} at the start")
    opened = []
    for k in range(0, sessions, 5):  # five at a time, as a class arrives
        batch = [open_tab(browser, url, timeout) for _ in range(min(5, sessions - k))]
        opened += await asyncio.gather(*batch)
    tabs = [tab for tab, _ in opened]
    print(summary("page load (five at a time)", [t for _, t in opened]) + cpu())
    waits = await asyncio.gather(*(run_many(tab, 300, timeout) for tab in tabs))
    print(summary(f"'Run 300 runs', all {sessions} at once", waits) + cpu())
    waits = await asyncio.gather(*(step(tab, timeout) for tab in tabs))
    print(summary(f"Step, all {sessions} at once", waits) + cpu())
    half = len(tabs) // 2

    async def steps(tab) -> list[float]:
        return [await step(tab, timeout) for _ in range(5)]

    heavy = [run_many(tab, 3000, timeout * 4) for tab in tabs[:half]]
    light = [steps(tab) for tab in tabs[half:]]
    results = await asyncio.gather(*heavy, *light)
    print(summary(f"'Run 3,000 runs' on {half} pages at once", results[:half]))
    stepped = [w for r in results[half:] for w in r]
    print(
        summary(f"Step on the other {len(tabs) - half} pages meanwhile (5 each)", stepped) + cpu()
    )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, choices=range(1, 41),
                        metavar="N (1 to 40)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=120, help="seconds a wait may take")
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.timeout))
