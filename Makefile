# The two commands of the README. Each sets everything up first (scripts/setup.sh).
.PHONY: run test

# The main job: the default experiment, written into results/: one run told day by day,
# then 100,000 runs with their twins and the misstep attribution.
run:
	@bash scripts/setup.sh
	.venv/bin/escalation run reassurance --seed 1 --twin
	.venv/bin/escalation ensemble reassurance --runs 100000 --seed 1

# The full suite: lint, format check, tests.
test:
	@bash scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python -m pytest
