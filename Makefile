# The two commands of the README. Each sets everything up first (scripts/setup.sh).
.PHONY: run test check

# The main job: the headline experiment (troops per guarantor against the challenger's
# threat perception), with its report, after one run told day by day. Writes into results/.
run:
	@bash scripts/setup.sh
	.venv/bin/escalation run reassurance --seed 1 --twin
	.venv/bin/escalation sweep troops_threat
	.venv/bin/escalation report results/troops_threat

# The full suite: lint, format check, tests. Three pytest workers on the two cores: a
# third of the suite's time is spent waiting (a browser, an app server, a sweep's processes,
# the freed-sessions test's idle timeouts), and a third worker computes meanwhile (396 s of
# tests against 521 s with two, README). Each starts on its share of the tests in file order
# (so most files, and their module fixtures, stay on one worker) and takes over the others'
# remaining tests when its own run out (work stealing), so all stay busy to the end.
# The 25 slowest tests are listed at the end, to show where the time goes.
test:
	@bash scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python -m pytest -n 3 --dist worksteal --durations=25

# The inner loop (under 2 minutes once set up): lint, format check, the fast tests (marker
# `check`: tests/conftest.py names them), one shipped scenario docked run by run among them.
check:
	@bash scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python -m pytest -n 2 -q -m check
