"""The teaching app (`escalation app`): one run as it unfolds, a lesson beside it, many runs,
A/B comparison (docs/app.md).

Without Solara:

- `settings`: the controls, the lesson presets and the page's address;
- `words`: tooltips in words and the notes beside extreme settings;
- `lessons`: the lessons read from their files in docs/lessons;
- `session`: one page's run and its Play thread, safe under any timing;
- `many`: many runs on the pool the server shares, and the tables shown of them;
- `charts`: the charts as HTML and SVG, drawn by the browser; `figures`: the downloads.

The Solara page: `state` (a page's state and actions; where a session is made and ends),
`panels`, `widgets` and `page` itself, served by `solara run`. Never imported by the model.
"""
