"""Synergies and potential connections: explainable network analytics over the knowledge graph.

:mod:`~copgraph.graph.network` turns the RDF graph into a NetworkX graph (the only module that reads
RDF); :mod:`~copgraph.analysis.related` ranks related communities, :mod:`~copgraph.analysis.suggest`
proposes connections, :mod:`~copgraph.analysis.boundaries` classifies ties by the boundaries they cross, and
:mod:`~copgraph.analysis.evaluate` measures how well each scoring method recovers hidden links.
"""
