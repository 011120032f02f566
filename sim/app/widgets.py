"""The page's small parts: its style sheet, the browser set-up (language, zoom, skip link), and
the widgets every panel uses (a control with its tooltip, download buttons, a card, a table)."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from pathlib import Path

import ipyvuetify
import markdown
import solara
import traitlets

CSS = (Path(__file__).parent / "page.css").read_text(encoding="utf-8")


class LiveHTML(ipyvuetify.VuetifyTemplate):
    """HTML the server writes straight into (`html`, and `announce` for screen readers)."""

    template_file = (__file__, "live.vue")
    html = traitlets.Unicode("").tag(sync=True)
    announce = traitlets.Unicode("").tag(sync=True)


@solara.component
def Live(attach: Callable, name: str):
    """A part of the page drawn without re-drawing the page: made once, its widget handed to
    `attach(name, widget)` (which fills it and writes it from then on; `attach(name, None)`
    when it goes). The page re-draws all its widgets each pass, a few hundred; this is one
    message a frame."""
    element = LiveHTML.element(class_=f"live-{name}")

    def hand_over():
        attach(name, solara.get_widget(element))
        return lambda: attach(name, None)

    solara.use_effect(hand_over, [])
    return element


@solara.component_vue("browser.vue")
def BrowserSetup(lang: str = "en"):
    """Sets the page's language and a viewport that allows zoom; shows the skip link to Play."""


def Help(text: str, children: list | None = None):
    """A control with its tooltip below it, shown on hover (on a phone: after a tap, until a
    tap elsewhere) and while the control has the keyboard's focus. One widget: the tooltip is
    the wrapper's `data-tip`, drawn by CSS (page.css): every widget costs each re-drawing of
    the page, and a page has a hundred controls."""
    return solara.Div(children=children or [], classes=["esc-help"], attributes={"data-tip": text})


def heading(text: str, level: int = 3) -> None:
    """A heading (one widget; a Markdown heading costs several)."""
    solara.HTML(tag=f"h{level}", unsafe_innerHTML=html.escape(text))


@functools.cache
def markdown_html(text: str) -> str:
    """Markdown as HTML (tables included), converted once per server."""
    return markdown.markdown(text, extensions=["tables"])


def details(summary: str, inner_html: str, name: str = "") -> str:
    """A part that opens on demand, as the browser's own <details> (one widget in all)."""
    return (
        f"<details class='esc-details {name}'><summary>{html.escape(summary)}</summary>"
        f"<div class='details-body'>{inner_html}</div></details>"
    )


@solara.component
def Downloads(image: Callable[[], bytes], csv: Callable[[], str], stem: str):
    """The chart shown above as a PNG file, and its data as a CSV file, each made when asked."""
    with solara.Div(classes=["esc-row"]):
        with Help("The chart above as an image file (PNG), with its caption."):
            solara.FileDownload(image, filename=f"{stem}.png", label="Download chart (PNG)",
                                mime_type="image/png")  # fmt: skip
        with Help("The numbers the chart above draws, as a table (CSV) for a spreadsheet."):
            solara.FileDownload(csv, filename=f"{stem}.csv", label="Download chart data (CSV)",
                                mime_type="text/csv")  # fmt: skip


def line(text: str, *classes: str) -> None:
    """One line of text as a block of its own (escaped)."""
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=list(classes))
