"""The documentation site: it builds strictly with every page, a broken link or a stale
docstring fails the build, and every page reads the same on GitHub as on the site."""

import functools
import os
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import griffe
import markdown
import pytest
import yaml
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "mkdocs.yml"
DOCS = ROOT / "docs"
SUBPACKAGES = ["model", "experiments", "analysis", "record", "app", "cli"]


def build(config: Path, site: Path, cwd: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of a configuration into `site`, run from `cwd`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # the theme's banner about its future
    command = ["-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    return subprocess.run(
        [sys.executable, *command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def nav_pages(nav: list) -> list[str]:
    """The source files a nav names, in order (entries are paths, {title: path} or sections)."""
    pages = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += nav_pages(value) if isinstance(value, list) else [value]
    return pages


def site_page(source: str) -> Path:
    """Where MkDocs puts a source page: a README is its folder's index."""
    path = Path(source)
    return (path.parent if path.stem == "README" else path.with_suffix("")) / "index.html"


def public_modules(subpackage: str) -> list[str]:
    """The modules and subpackages of sim/NAME whose names are not private."""
    folder = ROOT / "sim" / subpackage
    names = [p.stem for p in folder.glob("*.py") if not p.name.startswith("_")]
    names += [p.name for p in folder.iterdir() if (p / "__init__.py").exists()]
    return sorted(names)


def test_the_site_builds_strictly_with_every_page_and_writes_only_the_site(tmp_path):
    site = tmp_path / "site"
    done = build(CONFIG, site, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr

    pages = nav_pages(yaml.safe_load(CONFIG.read_text())["nav"])
    assert {"model.md", "architecture.md", "tutorial.ipynb", "gallery/README.md"} <= set(pages)
    assert {f"api/{name}.md" for name in SUBPACKAGES} <= set(pages)
    for page in pages:
        assert (site / site_page(page)).is_file(), page
    # The API reference documents every public module of each subpackage from its docstrings.
    for name in SUBPACKAGES:
        html = (site / "api" / name / "index.html").read_text()
        for module in public_modules(name):
            assert f'id="sim.{name}.{module}"' in html, f"sim.{name}.{module}"
    # The tutorial is rendered from its saved outputs (its figures are in the page).
    assert "data:image/png;base64" in (site / "tutorial" / "index.html").read_text()
    # Nothing written beside the site (no notebook cache in the working folder).
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_broken_link_a_missing_anchor_and_a_stale_docstring_fail_the_build(tmp_path):
    """The project's configuration, on one page with each fault: the build fails naming each."""
    config = yaml.safe_load(CONFIG.read_text())
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text(
        "# Home\n\nSee [a page](missing.md) and [a section](#nowhere).\n\n::: stale\n"
    )
    (tmp_path / "stale.py").write_text(
        '"""A module."""\n\n\ndef grow(size: int) -> int:\n    """One more.\n\n'
        '    Args:\n        count: a parameter renamed since.\n    """\n    return size + 1\n'
    )
    config.update(docs_dir=str(tmp_path / "docs"), nav=["README.md"], watch=[str(tmp_path)])
    (mkdocstrings,) = [p for p in config["plugins"] if isinstance(p, dict) and "mkdocstrings" in p]
    mkdocstrings["mkdocstrings"]["handlers"]["python"]["paths"] = [str(tmp_path)]
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))

    done = build(tmp_path / "mkdocs.yml", tmp_path / "site", cwd=tmp_path)
    assert done.returncode != 0
    assert "contains a link 'missing.md', but the target is not found" in done.stderr
    assert "contains a link '#nowhere', but there is no such anchor" in done.stderr
    assert "Parameter 'count' does not appear in the function signature" in done.stderr


# What a page is made of: if GitHub and the site disagree on these, one of them renders it
# wrong (a list after a line of text without a blank line, a list nested by two spaces).
# Paragraphs are left out: GitHub wraps every item of a loose list (blank lines between
# items) in <p>, Python-Markdown only the items next to a blank line.
STRUCTURE = {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "code", "table"}
STRUCTURE |= {"tr", "blockquote", "img", "a", "em", "strong", "hr"}
GITHUB = MarkdownIt("commonmark").enable(["table", "strikethrough"])


class Tags(HTMLParser):
    """Counts the structural tags of an HTML fragment (not the headings' permalinks)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.counts: Counter = Counter()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in STRUCTURE and ("class", "headerlink") not in attrs:
            self.counts[tag] += 1


@functools.cache
def site_markdown() -> markdown.Markdown:
    """Python-Markdown with the site's extensions (MkDocs adds toc, tables and fenced_code);
    reset it before each use."""
    names, configs = ["toc", "tables", "fenced_code"], {}
    for entry in yaml.safe_load(CONFIG.read_text())["markdown_extensions"]:
        name, config = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = config or {}
    return markdown.Markdown(extensions=list(dict.fromkeys(names)), extension_configs=configs)


def on_github(text: str) -> Counter:
    """The structure of Markdown as GitHub renders it (CommonMark with tables)."""
    return Tags(GITHUB.render(text)).counts


def on_the_site(text: str) -> Counter:
    """The structure of Markdown as the site renders it."""
    return Tags(site_markdown().reset().convert(text)).counts


PAGES = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_each_page_has_the_same_structure_on_github_and_on_the_site(page):
    text = (DOCS / page).read_text()
    assert on_the_site(text) == on_github(text)


def test_every_docstring_renders_in_the_api_reference_as_it_reads_in_commonmark():
    """Docstrings are written as GitHub's Markdown; the API reference renders them as the
    site does, so a list squeezed under a line of text would show as running text there."""
    package = griffe.load("sim", search_paths=[str(ROOT)])
    objects, differ = [package], []
    while objects:
        obj = objects.pop()
        objects += [member for member in obj.members.values() if not member.is_alias]
        if obj.docstring and on_the_site(obj.docstring.value) != on_github(obj.docstring.value):
            differ.append(obj.path)
    assert differ == []
