"""Every screen a class uses: projector (1440 and 1024 px wide), tablet (768) and phone (390).

At each width: nothing sticks out sideways and the page's regions do not overlap; the lessons
and the settings are reachable without scrolling past the results (a column of their own on a
projector, a tab on a tablet or phone); the tab order follows the screen; the charts' text is
at least 12 px; zoom is allowed. On a touch screen a tapped control's tooltip closes on a tap
elsewhere. Each width's screenshot is written into docs/app/ for the docs, after the test has
checked what it shows (Lesson 3 beside its run at day 10, the Play bar in view).
"""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.app.browser.conftest import ROOT, button, expect, shown_tips, wait_day, wait_until

SCREENS = {1440: 900, 1024: 768, 768: 1024, 390: 844}  # width: height, as the devices have
DOCS = ROOT / "docs" / "app"
MIN_TEXT = 12  # pixels: chart text at every width


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"] + 1
        or b["x"] + b["width"] <= a["x"] + 1
        or a["y"] + a["height"] <= b["y"] + 1
        or b["y"] + b["height"] <= a["y"] + 1
    )


def check_layout(tab, width: int) -> None:
    """Nothing wider than the window; the visible regions and buttons do not overlap."""
    wide = tab.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide in a {width} px window"
    regions = [".run-bar", ".panel-lesson", ".panel-settings", ".panel-run", ".panel-many"]
    boxes = {}
    for selector in regions:
        box = tab.locator(selector).first.bounding_box()
        if box and box["height"] > 0:  # shown at this width
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
            boxes[selector] = box
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not boxes_overlap(boxes[a], boxes[b]), (a, b, boxes[a], boxes[b])
    buttons = [b for b in (x.bounding_box() for x in tab.locator("button:visible").all()) if b]
    for i, a in enumerate(buttons):
        for b in buttons[i + 1 :]:
            assert not boxes_overlap(a, b), (a, b)


def tab_order(tab, presses: int) -> list[dict]:
    """The boxes of the elements the Tab key visits, from the top of the page, in order."""
    seen = []
    for _ in range(presses):
        tab.keyboard.press("Tab")
        # Where it lies in the page's layout: its place on screen plus every scroll that
        # moved it (the page's, and the settings column's own on a projector).
        box = tab.evaluate(
            """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                       let y = r.y + window.scrollY;
                       for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
                           y += p.scrollTop;
                       return {x: r.x, y: y, w: r.width, h: r.height}; }"""
        )
        if tab.evaluate("() => document.activeElement === document.body"):
            break  # past the last control
        if box["w"] > 0 or box["h"] > 0:
            seen.append(box)
    return seen


def check_tab_order(tab, width: int, presses: int = 35) -> None:
    """The keyboard goes down the page as the eye does: in a column, never back up; on a
    projector the left column (lessons, settings) before the right one (the run)."""
    tab.evaluate(
        """() => { document.activeElement && document.activeElement.blur();
                   for (let e = document.querySelector('.esc-side'); e; e = e.parentElement)
                       e.scrollTop = 0;
                   window.scrollTo({top: 0, behavior: "instant"}); }"""
    )
    side = tab.locator(".esc-side").bounding_box()
    two_columns = side["width"] < width / 2
    last = {}
    column_seen = -1
    for box in tab_order(tab, presses)[1:]:  # the first stop is the skip link
        column = 1 if two_columns and box["x"] >= side["x"] + side["width"] else 0
        if two_columns and box["y"] >= side["y"] - 1:
            assert column >= column_seen, ("back to the left column", box)
            column_seen = column
        previous = last.get(column)
        if previous is not None:  # lower, or in the same row further right
            same_row = abs(box["y"] - previous["y"]) < max(box["h"], previous["h"])
            assert box["y"] >= previous["y"] - 1 or same_row, (previous, box)
        last[column] = box


def chart_text_sizes(tab) -> list[float]:
    return tab.evaluate(
        """() => [...document.querySelectorAll('.esc-chart *, .outcome-bars *')]
             .filter(e => e.childNodes.length && [...e.childNodes].some(
                 n => n.nodeType === 3 && n.textContent.trim()))
             .filter(e => e.getClientRects().length)
             .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )


@pytest.mark.parametrize("width", list(SCREENS))
def test_every_screen_reaches_its_controls_reads_in_order_and_keeps_text_readable(open_page, width):
    narrow = width < 900
    tab = open_page(width, "?lesson=3&seed=273", height=SCREENS[width], touch=narrow)
    check_layout(tab, width)
    viewport = tab.evaluate("document.querySelector('meta[name=viewport]').content")
    assert "user-scalable=no" not in viewport  # zoom allowed
    # The lessons and the settings without scrolling past the results.
    if narrow:
        bar = tab.locator(".tab-bar").bounding_box()
        assert bar["y"] + bar["height"] <= SCREENS[width] * 1.5, bar  # near the top
        assert tab.locator(".panel-lesson").is_visible()  # a lesson's link opens its tab
        assert not tab.locator(".panel-run").is_visible()
        for key, label in (("settings", "Settings"), ("run", "Run")):
            tab.locator(".tab-bar").get_by_role("tab", name=label, exact=True).click()
            panel = tab.locator(f".panel-{key}")
            expect(panel).to_be_visible()
            top = panel.bounding_box()["y"]
            assert top <= bar["y"] + bar["height"] + 40, (key, top, bar)  # right under it
    else:
        lesson_button = tab.get_by_role("button", name="Lesson 1: The tripwire").bounding_box()
        assert lesson_button["y"] < SCREENS[width], lesson_button  # on the first screen
        side = tab.locator(".esc-side")
        slider = tab.get_by_role("slider", name="troops per guarantor")
        slider.scroll_into_view_if_needed()  # the settings scroll in their own column, and
        assert side.evaluate("e => getComputedStyle(e).position") == "sticky"
        expect(tab.locator(".run-chart")).to_be_in_viewport()  # the run stays in view
    check_tab_order(tab, width)
    # Ten days of lesson 3, and the charts' text at least 12 px.
    for day in range(1, 11):
        button(tab, "Step").click()
        wait_day(tab, day, timeout=20_000)
    sizes = chart_text_sizes(tab)
    assert sizes and min(sizes) >= MIN_TEXT, min(sizes)
    if narrow:  # a tooltip tapped open closes on a tap elsewhere
        tab.locator(".tab-bar").get_by_role("tab", name="Settings", exact=True).tap()
        tab.get_by_label("Seed (a whole number; press Enter)").tap()
        wait_until(lambda: any("seed" in t for t in shown_tips(tab)), what="the tooltip")
        tab.locator("h1").first.tap()
        wait_until(lambda: not any("seed" in t for t in shown_tips(tab)), what="it to close")
        tab.locator(".tab-bar").get_by_role("tab", name="Run", exact=True).tap()
    # The docs' screenshot of this width: the Play bar and the run's chart at day 10, the
    # lesson beside it; no pointer over a control, nothing scrolled.
    tab.mouse.move(0, SCREENS[width] - 1)
    tab.evaluate(
        """() => { document.activeElement && document.activeElement.blur();
                   for (let e = document.querySelector('.esc-side'); e; e = e.parentElement)
                       e.scrollTop = 0;
                   window.scrollTo({top: 0, behavior: "instant"}); }"""
    )
    assert shown_tips(tab) == []
    tab.wait_for_timeout(700)  # the last button's ripple and hover fade (Vuetify: 0.3 s)
    expect(tab.locator(".day-monitor")).to_contain_text("Day 10 of 365")
    expect(tab.locator(".run-chart")).to_have_attribute("data-day", "10")
    expect(button(tab, "Play")).to_be_in_viewport()
    save_if_changed(tab.screenshot(), DOCS / f"app-{width}.png")


def save_if_changed(png: bytes, path: Path, tolerance: float = 0.002) -> None:
    """Write the screenshot unless the file there shows the same (fewer than `tolerance` of
    its pixels differ: a border's anti-aliasing moves from run to run), so that running the
    tests leaves the docs unchanged when the page is."""
    if path.exists():
        old = Image.open(path).convert("RGB")
        new = Image.open(io.BytesIO(png)).convert("RGB")
        if old.size == new.size:
            changed = ImageChops.difference(old, new).convert("L").point(lambda v: v > 24)
            if changed.histogram()[1] < tolerance * old.size[0] * old.size[1]:
                return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
