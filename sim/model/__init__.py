"""The model: a crisis's scenario, its rules, one day of it, and the two engines that run it.

- `scenario`: the validated parameters of a crisis and the one defaults object (`load_scenario`);
  `messages`: bad input in one line (where, what, the closest known name);
- `ladder`, `chance`, `outcomes`: the rungs and actions, counter-based random numbers, what a
  run reports;
- `rules/`: every rule as a small pure function; `day`: one day's phases, which both engines run;
- `agents`, `mesa_model`: the Mesa engine (`run_model`, `EscalationModel`), readable;
- `ensemble`: the compiled engine (`simulate_runs`), fast, docked run by run to the Mesa one;
- `finite`: runs whose state left the finite range, and the parameters that drove them there;
- `reference`: the parameter and rule tables of docs/model.md, made from the code.
"""
