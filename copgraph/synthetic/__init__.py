"""Synthetic graphs shaped like copgraph's, at any size, for trying out scale: nothing in them is real
(:mod:`~copgraph.synthetic.generate`).
"""
