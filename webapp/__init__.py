"""The copgraph web app (Flask). Reads from the copgraph library; the library never imports it.

Not built yet: the pages, the graph views and the SPARQL endpoint arrive with the web app issue.
"""
