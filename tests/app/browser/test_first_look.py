"""A first look at the page on a projector (1440 px): it shows its numbers and explains
itself, works from the keyboard from a skip link to Play, tells screen readers its language
and its outcome, lets a phone zoom, exports its charts, and answers bad input in words."""

import re
import time
from pathlib import Path

from tests.app.browser.conftest import (
    body,
    button,
    expect,
    shown_tips,
    squeeze,
    wait_day,
    wait_until,
)


def test_the_page_shows_its_numbers_and_explains_itself(open_page, timings):
    from sim.app.session import Session
    from sim.app.settings import SLIDERS, SWITCHES, caption, defaults, value_words

    tab = open_page(1440)
    text = body(tab)
    start = defaults()
    view = Session(start).view
    for expected in (
        "Escalation under a tripwire",
        "Start here.",
        *(value_words(name, start[name]) for name in SLIDERS),
        *SWITCHES.values(),
        "Day 0 of 365 · crisis rung 1",
        *view.dyads,
        "Play speed, days per second:",
        "Speed: 20 days per second",
        f"Chart of this run: {caption(start)}, day 0.",
        "not a forecast",
        "P(war) of these settings: press Run 300 runs",
    ):
        assert " ".join(expected.split()) in text, expected
    for symbol in ("(T)", "(τ)", "Render Interval", "Use Threads", "PAGE 0", "runs on Solara"):
        assert symbol not in text, symbol
    # The page's language, zoom allowed, and the outcome announced as it changes.
    assert tab.evaluate("document.documentElement.lang") == "en"
    viewport = tab.evaluate("document.querySelector('meta[name=viewport]').content")
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
    live = tab.locator("[aria-live=polite]", has=tab.locator(".outcome-now"))
    expect(live).to_contain_text("So far: ceasefire held")
    # Every button has a name in words, every slider its label.
    names = tab.evaluate(
        """() => [...document.querySelectorAll('button')].filter(b => b.offsetParent !== null)
             .map(b => (b.getAttribute('aria-label') || b.innerText || b.title || '').trim())"""
    )
    assert names and all(re.search(r"[A-Za-z0-9]", n) for n in names), names
    sliders = tab.locator("[role=slider]").evaluate_all("s => s.map(e => e.ariaLabel)")
    assert sliders == [slider.label for slider in SLIDERS.values()]
    # "About this model", and a control's tooltip on hover, in words.
    tab.get_by_text("About this model").click()
    expect(tab.get_by_text("What it is not.")).to_be_visible()
    expect(tab.locator(".about")).to_contain_text("their dead are no dyad's battle deaths")
    assert shown_tips(tab) == []  # no hover, no focus: no tooltip
    tab.get_by_text("hotline quality: 0.30 of 1 (poor)").hover()
    wait_until(lambda: any("misread as a deliberate attack" in t for t in shown_tips(tab)))
    tab.get_by_text("Missteps (random incidents)", exact=True).hover()
    wait_until(lambda: any(t.startswith("Random incidents where") for t in shown_tips(tab)))
    assert not any(re.search(r"\bM\d+\b", t) for t in shown_tips(tab))  # words, not codes


def test_the_keyboard_reaches_play_from_the_skip_link_and_steps_the_run(open_page, timings):
    from sim.app.figures import run_csv
    from sim.app.session import Session
    from sim.app.settings import caption, defaults

    tab = open_page(1440)
    tab.keyboard.press("Tab")  # the first stop is the skip link
    expect(tab.locator(".skip-link")).to_be_focused()
    expect(tab.locator(".skip-link")).to_be_visible()
    tab.keyboard.press("Enter")
    expect(button(tab, "Play")).to_be_focused()
    tab.keyboard.press("Tab")  # Play, then Step: its tooltip below it while it has the focus
    expect(button(tab, "Step")).to_be_focused()
    wait_until(lambda: shown_tips(tab) == ["One day of the run (Play stops)."])
    for day in range(1, 5):
        began = time.monotonic()
        tab.keyboard.press("Enter")
        wait_day(tab, day)
        timings.setdefault("one Step (the day and the chart)", []).append(time.monotonic() - began)
        expect(tab.locator(".run-chart")).to_have_attribute("data-day", str(day))
    model = Session(defaults())
    model.step(until=4)
    expect(tab.locator(".event-log li")).to_have_text(squeeze(model.view.timeline))
    expect(tab.locator(".decisions li")).to_have_text(squeeze(model.view.decisions))
    for lines, _ in model.view.cards:
        expect(tab.locator(".cards")).to_contain_text(" ".join(lines), use_inner_text=True)
    expect(tab.locator(".run-chart")).to_contain_text(f"{caption(defaults())}, day 4.")
    # Exports: the chart as PNG and its data, with each day's events, as CSV.
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download chart (PNG)").first.click()
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download chart data (CSV)").first.click()
    csv = Path(download.value.path()).read_text()
    assert csv == run_csv(model.view)
    assert csv.splitlines()[0].endswith(",events") and len(csv.splitlines()) == 1 + 5


def test_bad_input_gets_a_message_beside_it_and_settings_apply_at_once(open_page):
    from sim.app.session import Session
    from sim.app.settings import caption, defaults

    tab = open_page(1440)
    seed = tab.get_by_label("Seed (a whole number; press Enter)")
    for bad in ("abc", "-3", "1e99"):
        seed.fill(bad)
        seed.press("Enter")
        expect(tab.locator(".seed-error")).to_contain_text(f"{bad!r}", timeout=10_000)
        expect(tab.locator(".seed-error")).to_contain_text("The run keeps its previous seed.")
    button(tab, "Reset").click()  # a bad seed, then Reset: the old seed
    expect(tab.locator(".restart-notice")).to_contain_text("Reset: the run restarted at day 0")
    assert "seed 1," in body(tab)
    # Reset writes the old seed back into the field: typing before it lands gave "13" (CI).
    expect(seed).to_have_value("1")
    seed.fill("3")
    seed.press("Enter")
    expect(tab.locator(".seed-error")).to_be_empty(timeout=10_000)
    expect(tab.locator(".run-chart")).to_contain_text("seed 3")
    expect(tab).to_have_url(re.compile(r"[?&]seed=3\b"))
    # A switch by keyboard; a slider by keyboard; each restarts the run and says so.
    tab.get_by_label("Missteps (random incidents)").focus()
    tab.keyboard.press("Space")
    expect(tab.locator(".restart-notice")).to_contain_text("the run restarted at day 0")
    expect(
        tab.locator(".extreme-note", has_text="No incidents: the roads to war by missteps")
    ).to_be_visible()
    changed = {**defaults(), "seed": 3, "missteps": False}
    expect(tab.locator(".run-chart")).to_contain_text(caption(changed))
    tab.get_by_role("slider", name="troops per guarantor").focus()
    tab.keyboard.press("Home")
    expect(tab.locator(".controls")).to_contain_text("troops per guarantor: 0")
    expect(tab.locator(".extreme-note", has_text="No troops: no tripwire")).to_be_visible()
    expect(tab.locator(".actor-card").nth(2)).to_contain_text("troops 0")
    view = Session({**changed, "troops": 0}).view
    expect(tab.locator(".event-log li")).to_have_text(squeeze(view.timeline))
    # An extreme value explained where it is set: precision 0.
    tab.get_by_role("slider", name="decision precision").focus()
    tab.keyboard.press("Home")
    note = tab.locator(".extreme-note", has_text="Every run then climbs to strikes and combat")
    expect(note).to_be_visible()
