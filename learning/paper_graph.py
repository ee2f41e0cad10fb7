"""The papers' prerequisite graph as a picture (templates/papers/_paper_graph.html draws it as
SVG): a layered layout in plain Python, enough for the roadmap's few papers. Layers are the
longest path from a paper that requires nothing (core.graph.longest_path_layers), drawn as
columns from left to right; within a column papers are ordered by where their prerequisites
sit (the barycentre of their rows, which keeps edges from crossing much), then by number.
Each paper can carry the learner's tally across their paths (learning.paper_status)."""

from __future__ import annotations

from dataclasses import dataclass

from core.graph import longest_path_layers

from .paper_status import PaperTally

NODE_WIDTH = 144
NODE_HEIGHT = 40
COLUMN = 180  # from one layer's left edge to the next one's
ROW = 54
MARGIN = 8


@dataclass(frozen=True)
class GraphNode:
    paper: object
    x: float
    y: float
    tally: PaperTally | None

    @property
    def shape(self) -> str:
        return self.tally.shape if self.tally else "graph-plain"

    @property
    def status(self) -> str:
        return self.tally.words if self.tally else ""

    @property
    def title(self) -> str:
        name = f"{self.paper.short_name} ({self.paper.year})"
        return f"{name}: {self.status}" if self.status else name

    @property
    def label_y(self) -> float:
        return self.y + (17 if self.status else 25)

    @property
    def status_y(self) -> float:
        return self.y + 32


@dataclass(frozen=True)
class PaperGraph:
    width: int
    height: int
    node_width: int
    node_height: int
    nodes: list[GraphNode]
    edges: list[str]  # SVG path data, from a prerequisite to the paper that needs it
    layers: int

    @property
    def description(self) -> str:
        return (
            f"{len(self.nodes)} papers in {self.layers} columns: a paper's prerequisites are "
            "in columns to its left, and an arrow leads from each prerequisite to the paper "
            "that builds on it."
        )


def _ordered_columns(papers: list, requires: dict[int, list[int]]) -> list[list]:
    layer_of = longest_path_layers({p.pk: requires.get(p.pk, []) for p in papers})
    columns: list[list] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    row_of: dict[int, float] = {}
    for paper in sorted(papers, key=lambda p: (layer_of[p.pk], p.number)):
        columns[layer_of[paper.pk]].append(paper)
    for column in columns:
        by_number = {paper.pk: row for row, paper in enumerate(column)}

        def barycentre(paper, by_number=by_number) -> tuple:
            rows = [row_of[pk] for pk in requires.get(paper.pk, []) if pk in row_of]
            return (sum(rows) / len(rows) if rows else by_number[paper.pk], paper.number)

        column.sort(key=barycentre)
        row_of.update({paper.pk: row for row, paper in enumerate(column)})
    return columns


def paper_graph(
    papers: list, requires: dict[int, list[int]], tallies: dict[int, PaperTally] | None
) -> PaperGraph:
    """The graph of `papers` (in any order), `requires` mapping a paper id to the ids of its
    prerequisites; `tallies` (paper id → the learner's tally) or None for a visitor without
    statuses."""
    columns = _ordered_columns(papers, requires)
    tallied = tallies is not None
    nodes: dict[int, GraphNode] = {}
    for index, column in enumerate(columns):
        for row, paper in enumerate(column):
            tally = (tallies.get(paper.pk) or PaperTally()) if tallied else None
            nodes[paper.pk] = GraphNode(
                paper=paper, x=MARGIN + index * COLUMN, y=MARGIN + row * ROW, tally=tally
            )
    edges = []
    for node in nodes.values():
        for pk in requires.get(node.paper.pk, []):
            if (before := nodes.get(pk)) is None:
                continue
            x1, y1 = before.x + NODE_WIDTH, before.y + NODE_HEIGHT / 2
            x2, y2 = node.x - 6, node.y + NODE_HEIGHT / 2
            bend = (x2 - x1) / 2
            edges.append(f"M{x1:g},{y1:g} C{x1 + bend:g},{y1:g} {x2 - bend:g},{y2:g} {x2:g},{y2:g}")
    tallest = max((len(c) for c in columns), default=0)
    return PaperGraph(
        width=max(MARGIN * 2 + (len(columns) - 1) * COLUMN + NODE_WIDTH, 2 * MARGIN),
        height=max(MARGIN * 2 + (tallest - 1) * ROW + NODE_HEIGHT, 2 * MARGIN),
        node_width=NODE_WIDTH,
        node_height=NODE_HEIGHT,
        nodes=sorted(nodes.values(), key=lambda n: n.paper.number),
        edges=edges,
        layers=len(columns),
    )
