"""The teaching app (`escalation app`): one run as it unfolds, many runs, A/B comparison.

- `settings`: the controls, their words, the lesson presets and the page's address (no Solara);
- `session`: one browser session's run, safe under any timing (no Solara);
- `page`: the Solara page itself, served by `solara run`. Never imported by the model.
"""
