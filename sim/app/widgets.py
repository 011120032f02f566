"""The page's small parts: its words ("About this model"), its style sheet, and the widgets
every panel uses (a help icon with its tooltip, download buttons, a card)."""

from __future__ import annotations

import html

import solara

from sim.app.session import (
    RUNG_COLOURS,
)

INFO = """
**What this is.** An agent-based model of escalation between a *challenger* (Russia in the
reassurance scenario), a *protégé* (Ukraine) and *guarantors* (France, the United Kingdom)
that keep "reassurance troops" on the protégé's soil after a ceasefire, while the challenger
has warned that such troops are "legitimate targets". One step is one day; a run is one
simulated year. Each pair of opposing actors (a *dyad*) climbs and descends a ladder of rungs:
0 ceasefire holds, 1 warnings, 2 shows of force, 3 incidents and harassment, 4 strikes and
combat, 5 open war (1,000 battle deaths of reciprocal combat), 6 nuclear use.

**What each actor does.** Every day each actor chooses to hold, warn, mobilise, harass,
strike, attack, offer de-escalation or withdraw its troops, by weighing the stakes, its chance
to win, the cost of war, deterrence by the guarantors' troops, the price of backing down
after a public warning, and its anger. Its hostility follows Richardson's reaction to what it
*perceives*; its belief that the other side is aggressive learns from what it sees.

**The mechanisms (the switches).** Reaction to hostility (Richardson); troops read as
provocation; missteps, random incidents where forces meet; misreading an incident as an
attack (a hotline makes it rarer); the tripwire, troops that deter and stand in harm's way;
public warnings that cost face to take back, and lock in over time; casualties that can bring
troops home; retaliation, harm answered by strikes; deliberate attacks chosen by expected
utility; beliefs that learn from costly signals. Switch one off to see what it does.

**Three roads to war, and the twins.** A war can be *deliberate* (chosen), come from a
*commitment* (a warning no one can take back) or be *inadvertent* (an incident, misread,
then retaliation). Every run has six twins with the same random numbers and one road
suppressed; a road *caused* a war when the run reached war and that twin did not.

**What it is not.** Not a forecast. The parameters are illustrative, chosen so the mechanisms
can be seen at work, not estimated from data; every number on this page is what these
parameters imply. The rules are the same for every actor: only parameters differ. The full
description of every rule is docs/model.md.
"""


CSS = """
.esc-grid { display: grid; grid-template-columns: 370px minmax(0, 1fr); gap: 20px;
  align-items: start; max-width: 1500px; }
.esc-grid > * { min-width: 0; }
.esc-two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
.esc-two > * { min-width: 0; }
@media (max-width: 1100px) {  /* tablet and phone: the run first, the settings below it */
  .esc-grid { grid-template-columns: minmax(0, 1fr); }
  .esc-grid > .controls { order: 2; }
}
@media (max-width: 700px) {
  .esc-two { grid-template-columns: minmax(0, 1fr); }
}
.esc-page { font-size: 16px; padding: 8px; }
.esc-page img { max-width: 100%; height: auto; display: block; }
.esc-page table { border-collapse: collapse; font-size: 15px; }
.esc-page td, .esc-page th { padding: 3px 12px 3px 0; vertical-align: top; text-align: left; }
.esc-scroll { overflow-x: auto; max-width: 100%; }
.esc-monitor { font-size: 18px; font-weight: 600; }
.esc-error { color: #b00020; font-weight: 600; }
.esc-notice { background: #fff3cd; padding: 6px 10px; border-left: 4px solid #E69F00; }
/* a slider's label names it for screen readers; its value in words is shown above it */
.controls .v-input__slot > label.v-label:first-child { position: absolute !important;
  width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.esc-page button:focus-visible, .esc-page input:focus-visible { outline: 3px solid #0072B2; }
/* a control's tooltip, shown below it while it has the keyboard's focus */
.esc-help { position: relative; }
.focus-hint { display: none; }
.esc-help:has(:focus-visible) > .focus-hint { display: block; position: absolute; top: 100%;
  left: 0; z-index: 20; max-width: 340px; padding: 5px 10px; border-radius: 4px;
  background: rgba(33, 33, 33, 0.95); color: white; font-size: 14px; pointer-events: none; }
"""


@solara.component
def Help(text: str, children: list = []):  # noqa: B006 (Solara's children convention)
    """A control with its tooltip: shown on hover, and on keyboard focus (by CSS: Vuetify's
    tooltip opens only when its own element, here a wrapper, takes the focus)."""
    with solara.Div(classes=["esc-help"]):
        with solara.Tooltip(text):
            solara.Column(children=children, gap="0px")
        solara.Div(children=[text], classes=["focus-hint"], attributes={"aria-hidden": "true"})


@solara.component
def Downloads(image: bytes, csv, stem: str):
    """The chart shown above as a PNG file, and its data as a CSV file."""
    with solara.Row(style={"flex-wrap": "wrap"}):
        with Help("The chart above as an image file (PNG), with its caption."):
            solara.FileDownload(image, filename=f"{stem}.png", label="Download chart (PNG)",
                                mime_type="image/png")  # fmt: skip
        with Help("The numbers the chart above draws, as a table (CSV) for a spreadsheet."):
            solara.FileDownload(csv, filename=f"{stem}.csv", label="Download chart data (CSV)",
                                mime_type="text/csv")  # fmt: skip


DARK_RUNGS = (2, 6)  # white text on these colours of RUNG_COLOURS (Okabe-Ito); black on the rest


def card(lines: list[str], rung: int) -> None:
    """An actor's card: its lines over the colour of its rung."""
    colour = "white" if rung in DARK_RUNGS else "black"
    shown = [html.escape(line) for line in lines]
    shown[0] = f"<b>{shown[0]}</b>"
    solara.HTML(
        tag="div",
        unsafe_innerHTML="<br>".join(shown) + f"<br>rung {rung}",
        classes=["actor-card"],
        style={
            "background": RUNG_COLOURS[rung],
            "color": colour,
            "padding": "6px 10px",
            "border-radius": "4px",
            "margin": "4px",
            "min-width": "150px",
        },
    )
