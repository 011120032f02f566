"""What the browser tests and the app's benchmarks share: Debian's Chromium and its
arguments, the real server (`escalation app`) started on a free loopback port and stopped
with `kill -TERM` of its PID alone, and a close watch on the page for timing waits."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
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


def start_server(log: Path) -> tuple[subprocess.Popen, str]:
    """`escalation app` on a free port, its output into `log`; (process, address) once the
    page answers."""
    port = free_port()
    escalation = str(Path(sys.executable).parent / "escalation")
    with open(log, "w") as out:
        process = subprocess.Popen(
            [escalation, "app", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to check nothing outlives it
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"the app did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


POLL_MS = 20  # how often `shows` looks at the page


def shows(tab, condition: str, arg: object = None, timeout: float = 15_000) -> None:
    """Wait until the page shows it (a JavaScript function of `arg`), looking every 20 ms,
    to time a wait: Playwright's expect() and wait_for() look every 0.5 s once 0.27 s have
    passed, so they would time a 0.3 s wait as up to 0.77 s."""
    tab.wait_for_function(condition, arg=arg, polling=POLL_MS, timeout=timeout)
