# The two commands of the README. Each sets everything up first (scripts/setup.sh).
.PHONY: run test check

# Python keeps the bytecode of what it imports (its default), even where the environment says
# not to (PYTHONDONTWRITEBYTECODE, set on this machine's image): otherwise every process of a
# run or of the suite (each test worker, each `escalation` a test starts, each pool worker)
# compiles pandas, scipy, matplotlib, pyabc, ... from source again, about 8 s of CPU each
# (measured: 12.0 s of CPU to import them with no bytecode, 4.1 s with it), which was two
# minutes of a clean clone's `make test`. The bytecode lands in .venv and __pycache__ folders
# (ignored by git); reading it is not turned off by the variable.
unexport PYTHONDONTWRITEBYTECODE

# The main job: the headline experiment (troops per guarantor against the challenger's
# threat perception), with its report, after one run told day by day. Writes into results/.
run:
	@bash scripts/setup.sh
	.venv/bin/escalation run reassurance --seed 1 --twin
	.venv/bin/escalation sweep troops_threat
	.venv/bin/escalation report results/troops_threat

# The full suite: lint, format check, tests. Two pytest workers, each starting on its half of
# the tests in file order (so most files, and their module fixtures, stay on one worker) and
# taking over the other's remaining tests when its own run out (work stealing): both stay
# busy to the end (3 s apart in the README's run), where whole files per worker (loadfile)
# could leave one worker finishing a big file alone.
# The 25 slowest tests are listed at the end, to show where the time goes. The lint and the
# tests that never run the model (marker `early`: the docs site, the architecture, ...) run
# first, in the set-up, while the model compiles (scripts/setup.sh --early-tests).
test:
	@bash scripts/setup.sh --test --early-tests
	.venv/bin/python -m pytest -n 2 --dist worksteal -m "not early" --durations=25

# The inner loop (under 2 minutes once set up): lint, format check, the fast tests (marker
# `check`: tests/conftest.py names them), one shipped scenario docked run by run among them.
check:
	@bash scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python -m pytest -n 2 -q -m check
