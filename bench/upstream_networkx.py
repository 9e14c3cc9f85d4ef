#!/usr/bin/python3
"""The upstream walk of bench/graph_perf.cpp in Python networkx, for comparison.

    upstream_networkx.py /tmp/twinctl-graph-bench

Reads PREFIX-edges.txt (one "u v" per line: a failure of u reaches v) and
PREFIX-starts.txt, then times nx.ancestors() of each start (best of 3) and
prints the total count of ancestors, which must equal graph_perf's.
"""
import sys
import time

import networkx as nx

prefix = sys.argv[1] if len(sys.argv) > 1 else "/tmp/twinctl-graph-bench"
t0 = time.perf_counter()
g = nx.DiGraph()
with open(prefix + "-edges.txt") as f:
    g.add_edges_from((int(a), int(b)) for a, b in (line.split() for line in f))
starts = [int(line) for line in open(prefix + "-starts.txt")]
print("networkx %s: graph of %d nodes, %d edges built in %.1f s" % (nx.__version__, g.number_of_nodes(), g.number_of_edges(), time.perf_counter() - t0))
best = None
total = 0
for _ in range(3):
    t0 = time.perf_counter()
    total = sum(len(nx.ancestors(g, s)) for s in starts)
    dt = time.perf_counter() - t0
    best = dt if best is None else min(best, dt)
print("upstream walk, %d assets: %.1f ms (%d ancestors in all)" % (len(starts), best * 1e3, total))
