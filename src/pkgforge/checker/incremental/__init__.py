"""Re-checks that recompute only what an edit can have changed.

A check with the cache records, for every rule, what each of its *units* read (a file's
summary, a per-module projection of the import graph, a whole-project result of the
graph: :mod:`.deps`, :mod:`.units`) and keeps it with the findings (:mod:`.records`).
After an edit, :mod:`.plan` finds the files whose summaries changed, :mod:`.recheck`
turns that into changed keys (recomputing the graph's whole-project results from the
kept projections) and :mod:`.runner` runs again only the units that read a changed key.
The result is the one a check without the cache gives (tests/check/test_incremental.py
compares them over random sequences of edits).
"""
