"""The record's data in the project: checksums, codes, and the figures its README states."""

import shutil
from pathlib import Path

import pytest

from sim.record.dataset import (
    DATA_DIR,
    FATALITY,
    FILES,
    HIGHEST_ACTION,
    HOSTILITY,
    OUTCOME,
    SETTLEMENT,
    RecordError,
    expected_checksums,
    load_record,
    sha256,
    verify,
)

README = (DATA_DIR / "README.md").read_text(encoding="utf-8")


def test_every_shipped_table_matches_its_checksum():
    sums = expected_checksums()
    assert set(sums) == set(FILES.values())
    for name in FILES.values():
        assert sha256(DATA_DIR / name) == sums[name], name
    verify()  # raises on a mismatch


def test_the_checksums_are_the_ones_the_readme_gives():
    for name, digest in expected_checksums().items():
        assert f"`{digest}`" in README and name in README


def copy_of_the_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_a_changed_table_is_refused_naming_the_file(tmp_path: Path):
    folder = copy_of_the_data(tmp_path)
    with open(folder / "gml_mid_disps.csv", "a") as handle:
        handle.write("9999.0,2001.0,1.0,5.0,3.0,0.0,1.0,1.0,7.0,3.0,0.0\n")
    with pytest.raises(RecordError, match=r"gml_mid_disps\.csv: its checksum differs"):
        verify(folder)


def test_a_missing_table_or_checksum_line_is_refused(tmp_path: Path):
    folder = copy_of_the_data(tmp_path)
    (folder / "cow_majors.csv").unlink()
    with pytest.raises(RecordError, match=r"cow_majors\.csv: missing"):
        verify(folder)
    folder = copy_of_the_data(tmp_path / "again")
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    (folder / "SHA256SUMS").write_text("\n".join(s for s in sums if "gml_part" not in s) + "\n")
    with pytest.raises(RecordError, match=r"gml_part\.csv: no checksum"):
        verify(folder)


def test_a_table_replaced_by_a_symlink_is_refused(tmp_path: Path):
    folder = copy_of_the_data(tmp_path)
    target = tmp_path / "elsewhere.csv"
    shutil.copy(folder / "gml_part.csv", target)
    (folder / "gml_part.csv").unlink()
    (folder / "gml_part.csv").symlink_to(target)
    with pytest.raises(RecordError, match="not a regular file"):
        verify(folder)


def codes(series) -> set[int]:
    return {int(v) for v in series.dropna().unique()}


def test_the_dispute_codes_are_those_the_readme_gives():
    disputes = load_record().disputes
    assert len(disputes) == 2174 and disputes["dispnum"].is_unique
    assert codes(disputes["hostlev"]) == {2, 3, 4, 5} <= set(HOSTILITY)
    assert codes(disputes["fatality"]) == set(FATALITY)
    assert codes(disputes["outcome"]) == set(OUTCOME)
    assert codes(disputes["settle"]) == set(SETTLEMENT)
    assert codes(disputes["recip"]) == {0, 1}
    assert codes(disputes["hiact"]) <= set(HIGHEST_ACTION)
    assert (disputes["mindur"] <= disputes["maxdur"]).all() and disputes["mindur"].min() >= 1
    # The README's code lists, word for word from the loader's tables.
    assert ", ".join(f"{k} {v}" for k, v in HOSTILITY.items()) in " ".join(README.split())
    fatality = ", ".join(f"{k} {v}" for k, v in FATALITY.items())
    assert fatality in " ".join(README.split())


def test_war_and_only_war_has_more_than_999_deaths_as_the_cow_definition_says():
    disputes = load_record().disputes
    known = disputes.dropna(subset=["fatality"])
    assert ((known["hostlev"] == 5) == (known["fatality"] == 6)).all()
    assert (known.loc[known["hostlev"] <= 3, "fatality"] == 0).all()  # deaths mean force


def test_participants_join_the_disputes_with_two_sides():
    record = load_record()
    part = record.participants
    assert len(part) == 5217
    assert set(part["dispnum"]) == set(record.disputes["dispnum"])
    assert codes(part["sidea"]) == {0, 1} and codes(part["orig"]) == {0, 1}
    sides = part.groupby("dispnum")["sidea"].agg(["min", "max"])
    assert (sides["min"] == 0).all() and (sides["max"] == 1).all()


def test_wars_and_major_powers_load_with_their_codes():
    record = load_record()
    assert record.wars["warnum"].nunique() == 95
    assert codes(record.majors["ccode"]) == {2, 200, 220, 255, 300, 325, 365, 710, 740}
    assert (record.wars["batdeath1"].dropna() >= 0).all()


def test_the_readme_states_the_span_and_the_anomalies_it_found():
    disputes = load_record().disputes
    assert (disputes["styear"].min(), disputes["styear"].max()) == (1816, 2010)
    assert int((disputes["styear"] > 2001).sum()) == 235
    assert "**1816 to 2010**" in README and "**235**" in README
    odd = disputes[(disputes["stmon"] < 1) | (disputes["stmon"] > 12)]
    assert odd["dispnum"].tolist() == [1272]


def readme_rows() -> dict[str, list[str]]:
    """The README's table of class figures: class name -> its cells."""
    start = README.index("| reference class | disputes |")
    rows = {}
    for line in README[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_readme_figures_are_recomputed_from_the_csvs():
    from sim.record.classes import load_classes
    from sim.record.statistics import class_statistics

    classes = load_classes()
    rows = readme_rows()
    assert list(rows) == [c.name for c in classes.classes]
    for reference in classes.classes:
        summary = class_statistics(reference, classes, resamples=100)
        v = summary.table.set_index("statistic")["value"]
        levels = " · ".join(f"{v[f'level_{k}']:.1%}" for k in (2, 3, 4, 5))
        expected = [
            f"{summary.disputes:,}",
            levels,
            f"{v['fatality_0']:.1%}",
            f"{v['reciprocated']:.1%}",
            f"{v['duration_median']:.0f} days",
            f"{v['war_given_force']:.1%}",
        ]
        assert rows[reference.name] == expected, reference.name


def test_an_installed_copy_ships_every_data_file():
    import fnmatch
    import tomllib

    pyproject = tomllib.loads((DATA_DIR.parents[2] / "pyproject.toml").read_text())
    globs = pyproject["tool"]["setuptools"]["package-data"]["sim.record"]
    shipped = [p.relative_to(DATA_DIR.parent).as_posix() for p in DATA_DIR.iterdir()]
    shipped.append("classes.toml")
    for name in shipped:
        assert any(fnmatch.fnmatch(name, g) for g in globs), name
