"""The report of a finished sweep (`escalation report`): `document` writes report.md and its
figures from a verified results folder; `sections` adds the analyst's toolkit sections
(scenario discovery, feature scores, robustness, survival, daily series), each a function
returning Markdown lines and its figures.
"""
