"""Reads ScamGraph's export files with NetworkX, an implementation written
independently of ScamGraph, and prints what it found as JSON: the export
tests compare that with the network the files were made from.

Every graph is read as a multigraph, so that parallel links stay apart.

Usage: python readexports.py GRAPHML GEXF CYJS CSVZIP I2CSV
"""
import csv
import io
import json
import sys
import zipfile

import networkx as nx


def describe(g):
    nodes = {str(n): {k: str(v) for k, v in d.items()} for n, d in g.nodes(data=True)}
    edges = []
    # A reader may hand back a simple graph when a file has no parallel
    # links (NetworkX's GEXF reader does); its edges then have no key.
    triples = g.edges(keys=True, data=True) if g.is_multigraph() else ((u, v, d.get("id", ""), d) for u, v, d in g.edges(data=True))
    for u, v, key, d in triples:
        e = {k: str(x) for k, x in d.items()}
        # GraphML's edge id is the multigraph key; the other readers keep
        # it as an attribute.
        e.setdefault("id", str(key))
        e["source"], e["target"] = str(u), str(v)
        edges.append(e)
    return {"nodes": nodes, "edges": edges}


def main(graphml, gexf, cyjs, csvzip, i2):
    out = {}
    out["graphml"] = describe(nx.read_graphml(graphml, force_multigraph=True))
    out["gexf"] = describe(nx.read_gexf(gexf, version="1.2draft"))
    with open(cyjs, encoding="utf-8") as f:
        out["cytoscape"] = describe(nx.cytoscape_graph(json.load(f)))
    with zipfile.ZipFile(csvzip) as z:
        nodes = list(csv.DictReader(io.TextIOWrapper(z.open("nodes.csv"), encoding="utf-8")))
        edges = list(csv.DictReader(io.TextIOWrapper(z.open("edges.csv"), encoding="utf-8")))
    g = nx.MultiDiGraph()
    for n in nodes:
        g.add_node(n["id"], **{k: v for k, v in n.items() if k != "id" and v})
    for e in edges:
        g.add_edge(e["source"], e["target"], **{k: v for k, v in e.items() if k not in ("source", "target") and v})
    out["csv"] = describe(g)
    with open(i2, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    g = nx.MultiDiGraph()
    for r in rows:
        g.add_node(r["Entity1 Identity"], label=r["Entity1 Label"], masked=r["Entity1 Masked"])
        if r["Link Identity"]:
            g.add_node(r["Entity2 Identity"], label=r["Entity2 Label"], masked=r["Entity2 Masked"])
            g.add_edge(r["Entity1 Identity"], r["Entity2 Identity"], id=r["Link Identity"], type=r["Link Type"],
                       masked=r["Link Masked"], amount=r["Amount"])
    out["i2"] = describe(g)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:6])
