#!/usr/bin/env bash
# Set up the project on a fresh machine: find Python >= 3.12, make .venv, install the
# project and its teaching app (with the test tools when called with --test), and put the
# app's front-end files in place for offline use. Safe to run again: it reinstalls only when
# pyproject.toml has changed. With --test --early-tests (`make test`), the lint and the tests
# that never run the model (marker `early`) run while the model compiles (measured: 73 s side
# by side against 63 s for the compile alone, whose two processes keep both cores busy).
set -euo pipefail
cd "$(dirname "$0")/.."

usable() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

find_python() {
    local candidate
    for candidate in python3.13 python3.12; do
        if command -v "$candidate" >/dev/null 2>&1 && usable "$candidate"; then
            command -v "$candidate"
            return
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        # pyenv's shims answer only for the active version: ask for its installed ones.
        for candidate in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+' | sort -rV); do
            candidate="$(pyenv root)/versions/$candidate/bin/python3"
            if [ -x "$candidate" ] && usable "$candidate"; then
                echo "$candidate"
                return
            fi
        done
    fi
    if command -v python3 >/dev/null 2>&1 && usable python3; then
        command -v python3
        return
    fi
    echo "error: this project needs Python 3.12 or newer; none found (tried python3.13," \
        "python3.12, pyenv's versions and python3)" >&2
    exit 1
}

extras="[app]"
[ "${1:-}" = "--test" ] && extras="[test]"
early=0
[ "${1:-}" = "--test" ] && [ "${2:-}" = "--early-tests" ] && early=1

# Debian packages: npm (the app's offline front-end files) and, for the tests, chromium (the
# browser tests drive Debian's build; Playwright's own download is not reachable here).
need=()
command -v npm >/dev/null 2>&1 || need+=(npm)
[ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ] && need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian packages: ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "error: please install these Debian packages first: ${need[*]}" >&2
        exit 1
    fi
fi

# Each step says how long it took (seconds of wall time), to show where a set-up's time goes.
started=$SECONDS
took() { echo "  ($1: $((SECONDS - started)) s)"; started=$SECONDS; }

if [ ! -x .venv/bin/python ] || ! usable .venv/bin/python; then
    python=$(find_python)
    echo "Creating .venv with $("$python" --version)"
    rm -rf .venv
    "$python" -m venv .venv
    took "virtual environment"
fi

stamp=".venv/.installed${extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing the project${extras:+ with its test tools} into .venv"
    # --no-compile: pip would turn all ~13,000 installed modules into bytecode (about 35 s
    # of CPU); Python does it for the few it imports, on first import (and keeps it: the
    # Makefile unexports PYTHONDONTWRITEBYTECODE).
    .venv/bin/python -m pip install --quiet --no-compile --editable ".${extras}"
    touch "$stamp"
    took "pip install"
fi
# The teaching app works offline: Solara's front-end files into its local cache, fetched
# from the npm registry (network) while the model's machine code compiles (CPU) once here,
# rather than inside a first command or test. Each step's failure is reported and ends the
# set-up with its exit status, the fetch's first.
.venv/bin/python scripts/solara_offline.py &
offline=$!
if [ "$early" = 1 ]; then
    ( .venv/bin/ruff check . && .venv/bin/ruff format --check . \
        && .venv/bin/python -m pytest -q -p no:xdist -m early ) &
    beside=$!
fi
compiled=0
.venv/bin/python scripts/compile.py || compiled=$?
fetched=0
wait "$offline" || fetched=$?
tested=0
steps="app's front-end files and compile"
if [ "$early" = 1 ]; then
    wait "$beside" || tested=$?
    steps="app's front-end files, compile, lint and early tests"
fi
took "$steps, side by side"
if [ "$fetched" != 0 ]; then
    echo "error: the app's front-end files could not be put in place" \
        "(scripts/solara_offline.py exited with $fetched)" >&2
fi
if [ "$compiled" != 0 ]; then
    echo "error: compiling the model failed (scripts/compile.py exited with $compiled)" >&2
fi
if [ "$tested" != 0 ]; then
    echo "error: the lint or the tests run beside the compile (marker early) failed" \
        "(exit status $tested; see above)" >&2
fi
for status in "$fetched" "$compiled" "$tested"; do
    [ "$status" != 0 ] && exit "$status"
done
exit 0
