"""The prerequisite relation between papers: finding a cycle (it must stay acyclic, and a cycle
is named), and laying it out in layers."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence


def find_cycle(graph: Mapping[Hashable, Sequence[Hashable]]) -> list | None:
    """A cycle in `graph` (node → nodes it requires) as [a, b, …, a], or None if acyclic."""
    state: dict = {}
    stack: list = []

    def visit(node) -> list | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def longest_path_layers(graph: Mapping[Hashable, Sequence[Hashable]]) -> dict:
    """Each node's layer (node → nodes it requires, acyclic): 0 for a node requiring none of
    the nodes in `graph`, else one more than its deepest requirement's, so every requirement
    sits in an earlier layer (the longest path from a root). Requirements outside `graph` are
    left out; a cycle, which `find_cycle` would name, is cut where it closes."""
    layers: dict = {}
    visiting: set = set()

    def layer(node) -> int:
        if node in layers:
            return layers[node]
        visiting.add(node)
        deepest = -1
        for required in graph.get(node, ()):
            if required in graph and required not in visiting:
                deepest = max(deepest, layer(required))
        visiting.discard(node)
        layers[node] = deepest + 1
        return layers[node]

    for node in graph:
        layer(node)
    return layers
