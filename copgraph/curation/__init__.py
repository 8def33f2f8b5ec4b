"""Curation: bringing new cohorts in from spreadsheets, forgetting a person, and checking the graph.

:mod:`~copgraph.curation.imports` plans and writes imports from the programme team's spreadsheets (read by
:mod:`~copgraph.curation.spreadsheets`), :mod:`~copgraph.curation.forget` erases a person from every file, both
through the layout-keeping edits of :mod:`~copgraph.curation.edit`; :mod:`~copgraph.curation.validate` checks the
graph against the SHACL shapes.
"""
