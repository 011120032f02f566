"""A run's state vector (sim.model.state): the phases read it through accessors, Python code
(the Mesa model, its agents, the app) through named views; both must name the same entries."""

import numpy as np

from sim.model import state as layout
from sim.model.outcomes import N_DYAD_METRICS, N_METRICS, N_ROADS

N = 4


def test_each_named_view_reads_the_entry_its_accessor_names():
    state = np.arange(layout.state_size(N), dtype=np.float64)  # each entry holds its own index
    views = layout.views(state, N)
    for i in range(N):
        for field in range(layout.N_ACTOR_STATE):
            assert views.actor[i, field] == layout.actor_at(i, field)
        for field in range(layout.N_DYAD_STATE):
            assert views.dyad[i, field] == layout.dyad_at(N, i, field)
        for field in range(N_DYAD_METRICS):
            assert views.dyad_metrics[i, field] == layout.dyad_metric_at(N, i, field)
        for j in range(N):
            for field in range(layout.N_PAIR_STATE):
                assert views.pair[i, j, field] == layout.pair_at(N, i, j, field)
    assert list(views.metrics) == [layout.METRICS + m for m in range(N_METRICS)]
    assert list(views.diverged) == [layout.DIVERGED + road for road in range(N_ROADS)]


def test_the_blocks_tile_the_state_vector_and_write_through():
    numbered = layout.views(np.arange(layout.state_size(N), dtype=np.float64), N)
    covered = np.sort(np.concatenate([block.ravel() for block in numbered]))
    assert np.array_equal(covered, np.arange(layout.state_size(N)))  # each entry in one block
    state = layout.new_state(N)
    layout.views(state, N).pair[1, 0, layout.P_BELIEF] = 0.25  # a view writes into the vector
    assert state[layout.pair_at(N, 1, 0, layout.P_BELIEF)] == 0.25


def test_the_scratch_holds_each_options_column_each_context_row_and_the_joiners_apart():
    scratch = layout.new_scratch()
    columns = [layout.O_UTILITY, layout.O_ACTION, layout.O_TARGET, layout.O_WARNINGS,
               layout.O_FACE, layout.O_HIGH, layout.O_LOW, layout.O_SAVED]  # fmt: skip
    rows = [layout.context_at(twin, m) for twin in (0, 1) for m in range(layout.MAX_ACTORS)]
    joined = [layout.joined_at(flag, j) for flag in (False, True) for j in range(layout.MAX_ACTORS)]
    starts = sorted(columns) + rows + joined
    sizes = (
        [layout.MAX_OPTIONS] * len(columns)
        + [layout.CONTEXT_WIDTH] * len(rows)
        + [layout.JOINED_WIDTH] * len(joined)
    )
    ends = [start + size for start, size in zip(starts, sizes, strict=True)]
    assert starts[0] == 0 and ends[-1] == scratch.shape[0]
    assert all(end == start for end, start in zip(ends, starts[1:], strict=False))  # no overlap
