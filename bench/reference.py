"""How fast this machine runs Python right now: a fixed piece of work, timed.

The same code has run up to twice as slowly on the same two-core machine on different
days, with nothing else running. Each benchmark prints this figure beside its own, so
that runs from different days can be compared: a run with a reference twice as long
was on a machine twice as slow.
"""

import time


def reference_seconds() -> float:
    """The best of three runs of summing the squares of the first two million integers."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best, 3)
