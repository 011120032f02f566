"""Preloaded by the worker pool's server process (sim.experiments.runs.process_pool) only.

The server, and every worker it forks, ignores Ctrl-C from the moment the server starts: a
Ctrl-C in a terminal reaches every process of the group, and the main process alone decides
what to stop (sim.experiments.runs.stop_on_interrupt).
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
