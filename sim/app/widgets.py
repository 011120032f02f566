"""The page's small parts: its style sheet, the browser set-up (language, zoom, skip link), and
the widgets every panel uses (a control with its tooltip, download buttons, a card, a table)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import solara

CSS = (Path(__file__).parent / "page.css").read_text(encoding="utf-8")


@solara.component_vue("browser.vue")
def BrowserSetup(lang: str = "en"):
    """Sets the page's language and a viewport that allows zoom; shows the skip link to Play."""


@solara.component
def Help(text: str, children: list = []):  # noqa: B006 (Solara's children convention)
    """A control with its tooltip below it, shown on hover (on a phone: after a tap, until a
    tap elsewhere) and while the control has the keyboard's focus (CSS only, page.css)."""
    with solara.Div(classes=["esc-help"]):
        solara.Column(children=children, gap="0px")
        solara.Div(children=[text], classes=["help-tip"], attributes={"role": "tooltip"})


@solara.component
def Downloads(image: Callable[[], bytes], csv: Callable[[], str], stem: str):
    """The chart shown above as a PNG file, and its data as a CSV file, each made when asked."""
    with solara.Row(style={"flex-wrap": "wrap"}):
        with Help("The chart above as an image file (PNG), with its caption."):
            solara.FileDownload(image, filename=f"{stem}.png", label="Download chart (PNG)",
                                mime_type="image/png")  # fmt: skip
        with Help("The numbers the chart above draws, as a table (CSV) for a spreadsheet."):
            solara.FileDownload(csv, filename=f"{stem}.csv", label="Download chart data (CSV)",
                                mime_type="text/csv")  # fmt: skip


def html_table(header: tuple[str, ...], rows: list[tuple], name: str) -> str:
    """A table as HTML, every cell escaped, in a box that scrolls sideways if it must."""
    cells = "".join(f"<th scope='col'>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<div class='esc-scroll'><table class='{name}'><thead><tr>{cells}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def line(text: str, *classes: str) -> None:
    """One line of text as a block of its own (escaped)."""
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=list(classes))


def items(lines: list[str], name: str, tag: str = "ul", live: bool = False) -> None:
    """Lines as a list (escaped)."""
    attributes = {"aria-live": "polite"} if live else {}
    solara.HTML(
        tag=tag,
        unsafe_innerHTML="".join(f"<li>{html.escape(line)}</li>" for line in lines),
        classes=[name],
        attributes=attributes,
    )
