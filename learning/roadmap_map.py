"""The roadmap map: where each step of a path sits in a picture of it (templates/learning/
_path_map.html draws it as SVG). Pure layout over a path's progress state (learning.progress),
so the page that shows it adds no query.

Phases are stages, stacked from top to bottom; a phase's steps are nodes in order from left to
right, wrapping after PER_ROW; one line joins every step in reading order. Coordinates are in
the SVG's own units: the picture is drawn at 100% of its container's width and scales with it."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
PER_ROW = 6
MARGIN = 24
RADIUS = 16
STAGE_HEADER = 34  # the phase's title above its nodes
ROW = 78  # a row of nodes, with its numbers below and "Next" above
STAGE_GAP = 10
STEP_X = (WIDTH - 2 * (MARGIN + RADIUS)) / (PER_ROW - 1)

# Status → (shape class, the glyph drawn in the node): never colour alone.
SHAPES = {
    "done": ("map-done", "✓"),
    "in_progress": ("map-in-progress", ""),  # the half-filled node says it
    "skipped": ("map-skipped", "\N{EN DASH}"),
    "not_started": ("map-not-started", ""),
}


@dataclass(frozen=True)
class MapNode:
    number: int  # the step's place in the whole path, from 1
    x: float
    y: float
    anchor: str
    name: str
    status: str | None  # None: the visitor does not follow the path
    status_label: str
    is_next: bool
    first_in_stage: bool = False

    @property
    def shape(self) -> str:
        return SHAPES[self.status][0] if self.status else "map-plain"

    @property
    def glyph(self) -> str:
        return SHAPES[self.status][1] if self.status else ""

    @property
    def title(self) -> str:
        """What the node says to a screen reader or in a tooltip: "Step 3: Scaling Laws — Done"."""
        title = f"Step {self.number}: {self.name}"
        if self.status:
            title += f" — {self.status_label}"
        return title + (" (next)" if self.is_next else "")

    @property
    def ring(self) -> int:
        return RADIUS + 6

    @property
    def glyph_y(self) -> float:
        return round(self.y + 6.5, 1)

    @property
    def number_y(self) -> float:
        return round(self.y + RADIUS + 18, 1)

    @property
    def next_y(self) -> float:
        return round(self.y - RADIUS - 10, 1)

    @property
    def half(self) -> str:
        """The right half of the node, filled for a step in progress (an SVG path)."""
        top, bottom = self.y - RADIUS, self.y + RADIUS
        return f"M{self.x:.1f},{top:.1f} A{RADIUS},{RADIUS} 0 0 1 {self.x:.1f},{bottom:.1f} Z"


@dataclass(frozen=True)
class MapStage:
    label: str
    y: float  # the baseline of its title
    top: float
    height: float


@dataclass(frozen=True)
class PathMap:
    width: int
    height: float
    radius: int
    stages: list[MapStage]
    nodes: list[MapNode]
    show_status: bool

    @property
    def road(self) -> str:
        """The road through every step in order (SVG path data): straight along a row; to the
        next row or stage, out to the right of the node, down through the gap above the next
        row (never across a stage's title or a step's number), and back along it."""
        if not self.nodes:
            return ""
        first = self.nodes[0]
        d = [f"M{first.x:.1f},{first.y:.1f}"]
        for before, node in zip(self.nodes, self.nodes[1:], strict=False):
            if node.y == before.y:
                d.append(f"H{node.x:.1f}")
                continue
            gap = STAGE_HEADER + ROW / 2 - 4 + STAGE_GAP / 2 if node.first_in_stage else ROW / 2
            side = RADIUS + 6
            d.append(
                f"H{before.x + side:.1f} V{node.y - gap:.1f} H{node.x - side:.1f} "
                f"V{node.y:.1f} H{node.x:.1f}"
            )
        return " ".join(d)

    @property
    def next_node(self) -> MapNode | None:
        return next((n for n in self.nodes if n.is_next), None)

    @property
    def description(self) -> str:
        """The map in words, for the SVG's <desc>."""
        words = (
            f"{len(self.stages)} phase{'s' if len(self.stages) != 1 else ''} from top to "
            f"bottom, {len(self.nodes)} step{'s' if len(self.nodes) != 1 else ''} in order "
            "from left to right, each a link to the step."
        )
        if not self.show_status:
            return words
        tally: dict[str, int] = {}
        for node in self.nodes:
            tally[node.status_label] = tally.get(node.status_label, 0) + 1
        counted = ", ".join(f"{label}: {count}" for label, count in tally.items())
        after = f" Next: step {self.next_node.number}." if self.next_node else ""
        return f"{words} {counted}.{after}"


def path_map(state, *, show_status: bool) -> PathMap:
    """The map of a path's progress state (learning.progress.PathState); statuses and the next
    step only when `show_status` (the visitor follows the path)."""
    stages: list[MapStage] = []
    nodes: list[MapNode] = []
    y = MARGIN / 2
    for ps in state.phases:
        rows = max(1, -(-len(ps.steps) // PER_ROW))
        height = STAGE_HEADER + rows * ROW
        title = f"{ps.label}: {ps.phase.title}" if ps.label else ps.phase.title
        stages.append(MapStage(label=title, y=y + 24, top=y, height=height))
        for index, st in enumerate(ps.steps):
            row, column = divmod(index, PER_ROW)
            nodes.append(
                MapNode(
                    number=len(nodes) + 1,
                    x=MARGIN + RADIUS + column * STEP_X,
                    y=y + STAGE_HEADER + row * ROW + ROW / 2 - 4,
                    anchor=st.step.anchor,
                    name=st.step.title,
                    status=str(st.status) if show_status else None,
                    status_label=st.status_label if show_status else "",
                    is_next=show_status and st.is_next,
                    first_in_stage=index == 0,
                )
            )
        y += height + STAGE_GAP
    return PathMap(
        width=WIDTH,
        height=round(max(y, MARGIN), 1),
        radius=RADIUS,
        stages=stages,
        nodes=nodes,
        show_status=show_status,
    )
