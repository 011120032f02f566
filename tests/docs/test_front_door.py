"""The front door: the license, the citation file and the changelog agree with pyproject.toml,
and the citation file is valid Citation File Format 1.2.0.

`cff_schema_1.2.0.json` beside this file is the Citation File Format's schema, version 1.2.0
(Druskat, Spaaks, Chue Hong, Haines, Baker et al.; CC-BY-4.0), byte for byte as the
`cffconvert` 2.0.0 wheel on PyPI ships it (`cffconvert/schemas/1.2.0/schema.json`). It is
kept here, and checked with jsonschema, because cffconvert 2.0.0 (the format's own validator)
requires jsonschema below 4, an old release the other tools should not be held to.
"""

import hashlib
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("cff_schema_1.2.0.json")
SCHEMA_SHA256 = "0b8d22140da702d766df318dcff3a91af2f39521298dcf36d76315fd99cc169b"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


class CffLoader(yaml.SafeLoader):
    """YAML as the format reads it: a date such as 2026-12-07 stays text."""


CffLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def cff_errors(citation: dict) -> list[str]:
    """What the CFF 1.2.0 schema finds wrong with a citation, formats (dates, URLs) included."""
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256, "schema edited"
    validator = jsonschema.Draft7Validator(
        json.loads(SCHEMA.read_text()), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(citation)]


def test_the_citation_file_is_valid_cff_and_names_this_version_and_license():
    citation = yaml.load((ROOT / "CITATION.cff").read_text(), Loader=CffLoader)
    assert cff_errors(citation) == []
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == PROJECT["version"]
    assert citation["license"] == PROJECT["license"]
    assert "not a forecast" in citation["message"]
    # The check has teeth: a citation without authors, or with an impossible date, fails it.
    assert cff_errors({k: v for k, v in citation.items() if k != "authors"})
    assert cff_errors({**citation, "date-released": "2026-13-01"})


def test_the_license_file_is_the_mit_license_that_pyproject_names():
    text = (ROOT / "LICENSE").read_text()
    assert PROJECT["license"] == "MIT"
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert "Permission is hereby granted, free of charge, to any person" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text


def test_the_changelog_keeps_a_changelog_and_has_a_section_for_a_new_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    versions = re.findall(r"^## \[(.+?)\]", text, flags=re.MULTILINE)
    assert versions[0] == "Unreleased"
    for heading in re.findall(r"^## \[(?!Unreleased\]).*$", text, flags=re.MULTILINE):
        assert re.fullmatch(r"## \[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", heading), heading
    kinds = set(re.findall(r"^### (.+)$", text, flags=re.MULTILINE))
    assert kinds <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, kinds
    # The changelog begins after 0.1.0: any later version in pyproject.toml needs its section.
    assert PROJECT["version"] == "0.1.0" or PROJECT["version"] in versions
