"""App sessions are freed when their page goes (issue 22, item 5).

A page's session lives in Solara's kernel for that page. The `escalation app` command closes a
kernel a short cull timeout after its WebSocket closes (not Solara's default of 24 hours), and
closing the kernel unmounts the page, whose effect frees its session.
"""

import asyncio
import contextlib
import gc
import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from sim.app import session as sessions
from sim.app.session import Session
from sim.app.settings import defaults
from tests.cli.test_hardening import ESCALATION

solara = pytest.importorskip("solara")


def test_a_closed_session_stops_play_and_is_no_longer_open():
    session = Session(defaults())
    assert sessions.OPEN.get(id(session)) is session
    session.play(40)
    player = session._player
    time.sleep(0.6)
    session.close()
    player.join(timeout=5)
    assert not player.is_alive() and not session.playing
    assert id(session) not in sessions.OPEN
    day = session.view.day
    assert session.step() is False and session.view.day == day
    session.play(40)  # a closed session plays no more
    assert not session.playing


def test_the_page_frees_its_session_when_its_kernel_closes(monkeypatch):
    import sim.app.page as page

    monkeypatch.setattr(page, "warm_up", lambda: None)  # no warm-up session of its own
    before = set(sessions.OPEN)
    root = solara.RoutingProvider(children=[page.Page()], routes=[solara.Route("/")], pathname="/")
    _, context = solara.render(root, handle_error=False)
    (mine,) = [sessions.OPEN[k] for k in set(sessions.OPEN) - before]
    context.close()  # what Solara does when it closes the page's kernel
    gc.collect()
    assert mine.closed is True and set(sessions.OPEN) == before


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_apart(coroutine) -> None:
    """asyncio.run in a thread of its own: this thread may hold a running loop already
    (Playwright's, when a browser test ran before in the same pytest worker)."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # raised again in the caller's thread
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def connections_left_behind(batches: int = 3, each: int = 200) -> dict[str, object]:
    """Start `escalation app` (its cull timeout shortened to 1 s), open and close `each`
    WebSocket connections, each a page of its own, `batches` times, and say what was left:
    the kernels still open after each batch (30 s at most to close), the server's threads at
    the start and once idle worker threads have ended, and its memory (kB) after each batch.
    Used by the test below and by tools/hostile.py."""
    import websockets

    port = free_port()
    env = {**os.environ, "SOLARA_KERNEL_CULL_TIMEOUT": "1s"}  # the command's 10 s, shortened
    server = subprocess.Popen([ESCALATION, "app", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def measured() -> tuple[int, int, int]:
        """Open kernels (Solara's /resourcez), the server's threads and its memory (kB)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/resourcez", timeout=10) as r:
            kernels = json.load(r)["kernels"]["total"]
        lines = Path(f"/proc/{server.pid}/status").read_text().splitlines()
        status = dict(line.split(":", 1) for line in lines)
        return kernels, int(status["Threads"]), int(status["VmRSS"].split()[0])

    async def connect(n: int) -> None:
        for _ in range(n):
            kernel, page = uuid.uuid4(), uuid.uuid4()
            url = f"ws://127.0.0.1:{port}/jupyter/api/kernels/{kernel}/channels?session_id={page}"
            async with websockets.connect(url, open_timeout=20):
                await asyncio.sleep(0)

    found: dict[str, object] = {"kernels": [], "memory": []}
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.3)
        found["threads"] = measured()[1]
        for _ in range(batches):
            run_apart(connect(each))
            deadline = time.monotonic() + 30  # the cull timeout, and the server catching up
            while (now := measured())[0] > 0 and time.monotonic() < deadline:
                time.sleep(0.5)
            found["kernels"].append(now[0])
            found["memory"].append(now[2])
        time.sleep(11)  # idle worker threads end at the next connection after 10 s idle
        run_apart(connect(1))
        time.sleep(2)
        found["threads_after"] = measured()[1]
        return found
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_200_connections_opened_and_closed_leave_no_session_thread_or_memory_behind():
    """Against the real server, as a hostile client would: 200 WebSocket connections, each a
    page of its own, opened and closed, three times. Measured here (load 5): without the cull
    timeout 411 kernels stayed after 400 connections and memory grew 50 MB per 200; with it,
    none stayed, threads returned to their start, and memory grew 15-21 MB for the first 400
    (the allocator's caches) and 2 MB for each 200 after."""
    found = connections_left_behind()
    assert found["kernels"] == [0, 0, 0]
    memory = found["memory"]
    # kB: settled. A leak grew 50 MB per 200; without one the third 200 grew 2 MB on a quiet
    # machine and 13 MB on a clean clone's loaded CI run, so the bound is half a leak
    assert memory[2] - memory[1] < 25_000
    assert found["threads_after"] <= found["threads"] + 3
