"""The prerequisite relation between papers must stay acyclic: finding a cycle, to name it."""

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
