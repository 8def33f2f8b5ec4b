"""SPARQL itself, whatever engine answers: checking a query (:mod:`~copgraph.query.check`), its answer and the
formats it is written in (:mod:`~copgraph.query.answer`), the example queries (:mod:`~copgraph.query.examples`)
and running queries in worker processes under a time limit (:mod:`~copgraph.query.workers`).

User queries are run by :meth:`copgraph.graph.KnowledgeGraph.query`, the one place they go through.
"""
