# The two commands of the README. Each sets everything up first (scripts/setup.sh).
.PHONY: run test

# The main job: the default experiment, written into results/.
run:
	@bash scripts/setup.sh
	.venv/bin/escalation run reassurance --seed 1 --twin

# The full suite: lint, format check, tests.
test:
	@bash scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python -m pytest
