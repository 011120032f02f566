"""Make Solara's pages work offline: put the front-end files it would fetch from a public CDN
into its proxy cache (<venv>/share/solara/cdn/NAME@VERSION/), taken from the npm registry.

Solara's templates and components name every front-end package they load from the CDN as
.../NAME@VERSION/...; this script reads those names from the installed Solara (its website
pages aside), so it follows Solara's upgrades.
It needs `npm`; it does nothing for packages already in the cache. Run by scripts/setup.sh.
"""

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import solara
from solara.server.settings import assets

REFERENCE = re.compile(r"/((?:@[a-z0-9.-]+/)?[a-z0-9.-]+)@(\d+\.\d+\.\d+[\w.-]*)/")


def referenced_packages() -> set[tuple[str, str]]:
    """(name, version) of every package Solara's templates load from the CDN."""
    root = Path(solara.__file__).parent
    found = set()
    for path in root.rglob("*"):
        if path.suffix in {".py", ".vue", ".j2", ".html"} and "website" not in path.parts:
            found |= set(REFERENCE.findall(path.read_text(errors="ignore")))
    scoped = {(name.split("/")[-1], version) for name, version in found if "/" in name}
    return {p for p in found if p not in scoped}  # "@scope/x@1" also matches as "x@1"


def provision(name: str, version: str, cache: Path) -> None:
    """Unpack NAME@VERSION from the npm registry into the cache."""
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=scratch,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        archive = next(Path(scratch).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        target = cache / f"{name}@{version}"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(Path(scratch) / "package", partial)
        partial.rename(target)


def main() -> int:
    cache = Path(assets.proxy_cache_dir)
    missing = sorted(p for p in referenced_packages() if not (cache / f"{p[0]}@{p[1]}").exists())
    if not missing:
        return 0
    if shutil.which("npm") is None:
        print("error: npm is needed to fetch Solara's front-end files for offline use "
              "(apt-get install npm)", file=sys.stderr)  # fmt: skip
        return 1
    for name, version in missing:
        print(f"Fetching {name}@{version} from the npm registry for offline use")
        provision(name, version, cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
