"""Writing the graph out: as RDF in every usual format (:mod:`~copgraph.output.rdf`), and its network for
Gephi, NetworkX and spreadsheets (:mod:`~copgraph.output.network`).
"""
