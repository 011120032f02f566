"""Play that obeys, with both cores busy: Pause, Step, Reset, a new speed and any setting act
within 0.5 s at every speed, and the chart never shows a day older than the counter by more
than one frame of Play. The two busy cores are a CPU hog this test starts and always stops:
two processes spinning for at most 90 s, killed when the test ends, passed or failed."""

import math
import subprocess
import sys
import time

import pytest

from tests.app.browser.conftest import button, day_of, expect, switch
from tests.app.browser.harness import shows

LIMIT = 0.5  # seconds: what the issue asks of every control during Play
HOG_SECONDS = 90  # the hog's own bound, should the test process die without stopping it


@pytest.fixture
def both_cores_busy():
    """Two processes that spin on the CPU, for the test's duration (and never longer than
    HOG_SECONDS, whatever happens to the test)."""
    spin = (
        f"import time\nend = time.monotonic() + {HOG_SECONDS}\nwhile time.monotonic() < end: pass"
    )
    hogs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(2)]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait(timeout=10)


def counter_and_chart(tab) -> tuple[int, int]:
    """The day the counter says and the day the chart shows, read at the same moment."""
    pair = tab.evaluate(
        """() => [document.querySelector('.day-monitor').innerText,
                  document.querySelector('.run-chart').dataset.day]"""
    )
    return int(pair[0].split()[1]), int(pair[1])


def acted(action, check) -> float:
    """Seconds from the click to the page showing its effect (`check` waits for it)."""
    began = time.monotonic()
    action()
    check()
    return time.monotonic() - began


# What the page shows, as JavaScript (textContent: the words, not their upper-case style).
PLAY = "document.querySelector('#esc-play').textContent.trim() === 'Play'"
DAY_0 = "document.querySelector('.day-monitor').textContent.includes('Day 0 of')"
NOTICE = "document.querySelector('.restart-notice')?.textContent.trim()"
SPEED = "(words) => document.querySelector('.speed-words')?.textContent.includes(words)"


def _stopped(tab) -> None:
    shows(tab, f"() => {PLAY}")


def _restarted(tab) -> None:
    shows(tab, f"() => {DAY_0} && {PLAY}")


# Each control: (what a person does, what the page then shows), as functions of the page.
CONTROLS = {
    "Pause": lambda tab: (button(tab, "Pause").click, lambda: _stopped(tab)),
    "Step": lambda tab: (button(tab, "Step").click, lambda: _stopped(tab)),
    "Reset": lambda tab: (button(tab, "Reset").click, lambda: _restarted(tab)),
    "a switch": lambda tab: (
        switch(tab, "Actors decide (off: everyone holds)").click,
        lambda: shows(tab, f"() => {NOTICE} && {DAY_0} && {PLAY}"),
    ),
    "a new speed": lambda tab: (
        tab.get_by_role("button", name="1 days per second").click,
        lambda: shows(tab, SPEED, "Speed: 1 days per second"),
    ),
}


def play_then(tab, speed: int, control: str) -> float:
    """Play at `speed`, check the chart keeps up with the counter, then the control: the
    seconds it took to show its effect. Afterwards the run is stopped and stays so."""
    from sim.app.session import FRAME_SECONDS

    tab.get_by_role("button", name=f"{speed} days per second").click()
    button(tab, "Play").click()
    expect(button(tab, "Pause")).to_be_visible()
    frame = math.ceil(speed * FRAME_SECONDS) + 1  # days a frame of Play may hold
    for _ in range(6):  # while it plays, the chart keeps up with the counter
        counter, chart = counter_and_chart(tab)
        assert 0 <= counter - chart <= frame, (speed, counter, chart)
        time.sleep(0.15)
    expect(tab.locator(".day-monitor")).not_to_contain_text("Day 0 of")
    took = acted(*CONTROLS[control](tab))
    if control == "a new speed":  # Play went on at it; now stop it
        assert button(tab, "Pause").is_visible()
        button(tab, "Pause").click()
        expect(button(tab, "Play")).to_be_visible()
    day = day_of(tab)  # stopped means stopped: no day passes after it
    time.sleep(0.4)
    assert day_of(tab) == day, control
    counter, chart = counter_and_chart(tab)
    expect(tab.locator(".run-chart")).to_have_attribute("data-day", str(counter))
    return took


def test_every_control_acts_within_half_a_second_at_every_speed_with_both_cores_busy(
    open_page, timings, both_cores_busy
):
    """A control slower than LIMIT is tried once more and the faster try counts (as timeit
    takes the least of its repeats): the machine's other work (the suite's other worker,
    other programs) only ever adds to a wait, so the least of two tries is the closer
    measure of the app's own, and a control the app makes slow is slow both times."""
    from sim.app.session import SPEEDS

    tab = open_page(1440)
    assert all(hog.poll() is None for hog in both_cores_busy)  # the cores are busy
    waits = {}
    controls = ["Pause", "Step", "Reset", "a switch", "a new speed", "Pause"]
    for speed, control in zip(SPEEDS, controls, strict=True):
        what = f"a control during Play, both cores busy ({control} at {speed} days/s)"
        tries = [play_then(tab, speed, control)]
        if tries[0] > LIMIT:
            tries.append(play_then(tab, speed, control))
        timings.setdefault(what, []).extend(tries)
        waits[what] = min(tries)
    slow = {what: round(took, 2) for what, took in waits.items() if took > LIMIT}
    assert not slow, slow
