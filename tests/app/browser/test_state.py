"""State that holds: the kept A and B survive every change; the address matches the page
after every change; Back and Forward restore the settings they show; a reload or a shared
link reproduces the page (settings, lesson, A and B)."""

import re
from urllib.parse import urlsplit

from tests.app.browser.conftest import body, button, expect, move_slider, switch


def address_of(tab) -> str:
    return urlsplit(tab.url).query


def expect_address(tab, settings: dict, lesson: str | None, kept: dict) -> None:
    """The page's address is the one the page's own state makes."""
    from sim.app.settings import to_address

    query = to_address(settings, lesson, kept)
    expect(tab).to_have_url(re.compile(r"^[^?]*" + (re.escape("?" + query) if query else "") + "$"))


def shows(tab, settings: dict) -> None:
    """The page shows these settings: the run's caption names them."""
    from sim.app.settings import caption

    expect(tab.locator(".run-chart")).to_contain_text(f"Chart of this run: {caption(settings)},")


def test_kept_a_and_b_survive_every_change_and_the_address_follows_each(open_page):
    from sim.app.settings import PRESETS, defaults, with_value

    tab = open_page(1440)
    settings = defaults()
    button(tab, "Keep these settings as A").click()
    kept = {"A": dict(settings), "B": None}
    expect(tab.locator(".kept-a")).to_contain_text("A: scenario reassurance, seed 1")
    expect_address(tab, settings, None, kept)
    changes = [  # (what a person does, the settings it makes), one of each kind of control
        (lambda: move_slider(tab, "hotline quality", ["ArrowRight"] * 2),
         with_value(settings, "hotline_quality", 0.4)),
        (lambda: switch(tab, "Casualties can bring troops home").click(), None),
        (lambda: (tab.get_by_label("Seed (a whole number; press Enter)").fill("12"),
                  tab.get_by_label("Seed (a whole number; press Enter)").press("Enter")), None),
        (lambda: button(tab, "Step").click(), "step"),
        (lambda: button(tab, "Lesson 2: Protection or provocation").click(),
         PRESETS[1].settings()),
        (lambda: (tab.get_by_label("Scenario").click(force=True),
                  tab.get_by_role("option", name="korea").click()), None),
        (lambda: button(tab, "Reset").click(), "same"),
        (lambda: move_slider(tab, "price of backing down (every actor)", ["PageUp"]), None),
        (lambda: button(tab, "Restore defaults").click(), defaults()),
    ]  # fmt: skip
    lesson = None
    for k, (act, made) in enumerate(changes):
        act()
        if made is None:  # the settings the step makes, as this test knows them
            made = {
                1: {**settings, "withdrawal": False},
                2: {**settings, "seed": 12},
                5: {**defaults("korea"), "seed": settings["seed"]},
                7: with_value(settings, "audience_cost", settings["audience_cost"] + 0.5),
            }[k]
        if made == "step":
            expect(tab.locator(".day-monitor")).to_contain_text("Day 1 of")
        elif made != "same":
            settings = made
        if k == 4:
            lesson = "2"
        shows(tab, settings)
        expect(tab.locator(".kept-a")).to_contain_text("A: scenario reassurance, seed 1,")
        expect(tab.locator(".kept-b")).to_have_text("B: not kept yet")
        expect_address(tab, settings, lesson, kept)
        if k == 5:  # B kept on the way, and it too survives what follows
            button(tab, "Keep these settings as B").click()
            kept["B"] = dict(settings)
            expect(tab.locator(".kept-b")).to_contain_text("B: scenario korea")
            expect_address(tab, settings, lesson, kept)
            break
    expect(button(tab, "Compare A and B (300 runs each)")).to_be_enabled()
    for act, made in changes[6:]:
        act()
        settings = settings if made in ("same", None) else made
        if made is None:
            settings = with_value(settings, "audience_cost", settings["audience_cost"] + 0.5)
        shows(tab, settings)
        expect(tab.locator(".kept-b")).to_contain_text("B: scenario korea")
        expect_address(tab, settings, lesson, kept)


def test_back_and_forward_restore_the_settings_and_a_reload_or_a_link_the_page(open_page):
    from sim.app.settings import PRESETS, with_value

    tab = open_page(1440)
    # Each change below waits for the address: changes less than half a second apart make
    # one entry of the browser's history (a slider's four steps here are one).
    button(tab, "Lesson 1: The tripwire").click()
    first = PRESETS[0].settings()
    shows(tab, first)
    expect_address(tab, first, "1", {"A": None, "B": None})
    move_slider(tab, "troops per guarantor", ["ArrowRight"] * 4)
    second = with_value(first, "troops", 2000)
    shows(tab, second)
    expect_address(tab, second, "1", {"A": None, "B": None})
    button(tab, "Keep these settings as A").click()
    kept = {"A": second, "B": None}
    expect_address(tab, second, "1", kept)
    switch(tab, "Deliberate attacks").click()
    third = {**second, "deliberate": False}
    shows(tab, third)
    expect_address(tab, third, "1", kept)
    tab.go_back()  # the settings before the switch, A still kept
    shows(tab, second)
    expect(tab.get_by_label("Deliberate attacks")).to_be_checked()
    expect(tab.locator(".controls")).to_contain_text("troops per guarantor: 2,000")
    expect(tab.locator(".kept-a")).to_contain_text("troops per guarantor: 2,000")
    tab.go_back()  # before A was kept
    shows(tab, second)
    expect(tab.locator(".kept-a")).to_have_text("A: not kept yet")
    tab.go_back()
    shows(tab, first)
    expect(tab.locator(".controls")).to_contain_text("troops per guarantor: 0")
    tab.go_forward()  # and forward again, step by step
    shows(tab, second)
    tab.go_forward()
    expect(tab.locator(".kept-a")).to_contain_text("troops per guarantor: 2,000")
    tab.go_forward()
    shows(tab, third)
    expect(tab.locator(".kept-a")).to_contain_text("troops per guarantor: 2,000")
    expect(tab.get_by_label("Deliberate attacks")).not_to_be_checked()
    shared = tab.url
    tab.reload()  # a reload: the same page
    tab.locator(".run-chart").wait_for(state="attached")
    shows(tab, third)
    expect(tab.locator(".lesson")).to_contain_text("Lesson 1: The tripwire")
    expect(tab.locator(".kept-a")).to_contain_text("troops per guarantor: 2,000")
    # A shared link, on a phone, with a part it cannot use (named on the page): the same
    # settings, lesson and A.
    other = open_page(390, f"?{urlsplit(shared).query}&bogus=1")
    shows(other, third)
    expect(other.locator(".kept-a")).to_contain_text("troops per guarantor: 2,000")
    assert "Lesson 1: The tripwire" in body(other)
    expect(other.locator(".address-problem")).to_have_text(
        ["the address has an unknown setting 'bogus': ignored"]
    )
