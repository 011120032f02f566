"""Reference classes: declared, defended sets of real disputes the model is compared with.

A classes file (TOML, `kind = "reference-classes"`; the shipped one is `sim/record/classes.toml`)
lists the nuclear-armed states with the year each got the bomb and its source, and the classes,
each a filter over the record's tables with a sentence defending it. `members` applies a
class's filter; a participant's status (nuclear-armed, major power) is taken in the year it
entered the dispute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Self

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.model.scenario import ScenarioError, did_you_mean, explain, read_typed_file, repeated
from sim.record.dataset import Record

CLASSES = Path(__file__).resolve().parent / "classes.toml"
Sides = Literal["any side", "both sides", "one side only", "neither side"]


class NuclearState(BaseModel):
    """A nuclear-armed state: its COW code, the years it had the bomb, and the source."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    ccode: int = Field(ge=1, le=999)
    state: str = Field(min_length=1, max_length=100)
    since: int = Field(ge=1816, le=2100)
    until: int | None = Field(None, ge=1816, le=2100)
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.until is not None and self.until < self.since:
            raise ValueError(f"{self.state}: until ({self.until}) is before since ({self.since})")
        return self


class ReferenceClass(BaseModel):
    """A class of disputes: a filter over the tables and the sentence that defends it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_\-]+$")
    title: str = Field(min_length=1, max_length=200)
    defence: str = Field(min_length=20)
    from_year: int | None = Field(None, ge=1816, le=2100)
    to_year: int | None = Field(None, ge=1816, le=2100)
    nuclear_armed: Sides | None = None
    major_power: Sides | None = None
    # COW country codes run from 2 to 990: a code outside 1-999 is a typing error, not a state.
    involving: list[Annotated[int, Field(ge=1, le=999)]] | None = Field(
        None, min_length=1, max_length=200
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        low, high = self.from_year, self.to_year
        if low is not None and high is not None and high < low:
            raise ValueError(f"to_year ({high}) is before from_year ({low})")
        return self


class ClassesFile(BaseModel):
    """A classes file: the nuclear-armed states and the classes."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    description: str = ""
    nuclear_armed: list[NuclearState] = Field(default_factory=list)
    classes: list[ReferenceClass] = Field(min_length=1, max_length=100)

    def find(self, name: str) -> ReferenceClass:
        """The class of that name; ScenarioError naming the known ones if there is none."""
        names = [c.name for c in self.classes]
        if name not in names:
            raise ScenarioError(
                f"unknown reference class {name!r}{did_you_mean(name, names)} "
                f"(known: {', '.join(names)})"
            )
        return self.classes[names.index(name)]


def load_classes(path: str | Path | None = None) -> ClassesFile:
    """Read and validate a classes file (default: the shipped one)."""
    path, _, data = read_typed_file(path or CLASSES, "reference-classes", CLASSES.parent)
    try:
        loaded = ClassesFile.model_validate(data)
    except ValidationError as error:
        loc = error.errors()[0]["loc"]
        known = (
            ReferenceClass.model_fields
            if "classes" in loc
            else NuclearState.model_fields
            if "nuclear_armed" in loc[:1]
            else ClassesFile.model_fields
        )
        where = ".".join(str(p) for p in loc) or "classes file"
        raise ScenarioError(f"{path}: {explain(error, where, list(known))}") from None
    for what, names in (
        ("class names", [c.name for c in loaded.classes]),
        ("nuclear-armed states", [str(s.ccode) for s in loaded.nuclear_armed]),
    ):
        dupes = repeated(names)
        if dupes:
            raise ScenarioError(f"{path}: {what} repeated: {', '.join(dupes)}")
    return loaded


def _nuclear(participants: pd.DataFrame, states: list[NuclearState]) -> np.ndarray:
    """Whether each participant was nuclear-armed in the year it entered its dispute."""
    armed = np.zeros(len(participants), dtype=bool)
    year = participants["styear"].to_numpy(dtype=float)
    code = participants["ccode"].to_numpy(dtype=float)
    for s in states:
        until = s.until if s.until is not None else np.inf
        armed |= (code == s.ccode) & (year >= s.since) & (year <= until)
    return armed


def _major(participants: pd.DataFrame, majors: pd.DataFrame) -> np.ndarray:
    """Whether each participant was a COW major power in the year it entered its dispute (a
    spell counts for every year it touches)."""
    major = np.zeros(len(participants), dtype=bool)
    year = participants["styear"].to_numpy(dtype=float)
    code = participants["ccode"].to_numpy(dtype=float)
    for spell in majors.itertuples():
        major |= (code == spell.ccode) & (year >= spell.styear) & (year <= spell.endyear)
    return major


def _sides(flag: pd.Series, side_a: pd.Series, which: Sides) -> pd.Series:
    """Per dispute, whether the flagged participants stand where `which` says."""
    by_side = pd.DataFrame({"a": flag & side_a, "b": flag & ~side_a}).groupby(level=0).any()
    a, b = by_side["a"], by_side["b"]
    return {
        "any side": a | b,
        "both sides": a & b,
        "one side only": a ^ b,
        "neither side": ~(a | b),
    }[which]


def members(record: Record, reference: ReferenceClass, nuclear: list[NuclearState]) -> pd.Series:
    """Per dispute (indexed by dispnum), whether it belongs to the class."""
    disputes = record.disputes.set_index("dispnum")
    keep = pd.Series(True, index=disputes.index)
    if reference.from_year is not None:
        keep &= disputes["styear"] >= reference.from_year
    if reference.to_year is not None:
        keep &= disputes["styear"] <= reference.to_year
    part = record.participants.set_index("dispnum")
    side_a = part["sidea"] == 1
    if reference.nuclear_armed is not None:
        armed = pd.Series(_nuclear(part, nuclear), index=part.index)
        keep &= _sides(armed, side_a, reference.nuclear_armed).reindex(keep.index, fill_value=False)
    if reference.major_power is not None:
        major = pd.Series(_major(part, record.majors), index=part.index)
        keep &= _sides(major, side_a, reference.major_power).reindex(keep.index, fill_value=False)
    if reference.involving is not None:
        party = part["ccode"].isin(reference.involving).groupby(level=0).any()
        keep &= party.reindex(keep.index, fill_value=False)
    return keep.astype(bool)


def class_disputes(
    record: Record, reference: ReferenceClass, nuclear: list[NuclearState]
) -> pd.DataFrame:
    """The disputes of a class (rows of `record.disputes`)."""
    keep = members(record, reference, nuclear)
    return record.disputes[record.disputes["dispnum"].map(keep).fillna(False).to_numpy(bool)]
