"""The day's three planning features, one package each.

- ``agenda``: the programme (items, speakers, conflicts, live timing, exports, hall screen).
- ``awards``: the award list (forms, recipients in calling order) and its import.
- ``runsheet``: the award-presentation run sheet generated from the award list, its
  editing, live moves, the stage and MC views and the reconciliation.

Each package's ``__init__`` names what the others may use; the run sheet reads the award
list and marks agenda items started and ended through those names only.
"""
