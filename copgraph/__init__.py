"""copgraph: a knowledge graph of communities of practice, people and ideas in UK health and care.

The library flows one way: :mod:`copgraph.build` loads the ontology and the curated data into an rdflib
Dataset (deriving and entailing what helps queries), :mod:`copgraph.curation.validate` checks it against the SHACL
shapes, :mod:`copgraph.sparql` runs queries, :mod:`copgraph.graph.lookup` finds entities by name, and
:mod:`copgraph.output.rdf` writes it out. The command line (:mod:`copgraph.cli`) and the web app wrap these.
"""

from copgraph.errors import CopgraphError

__version__ = "0.1.0"
__all__ = ["CopgraphError", "__version__"]
