"""The benchmark's tables, in Markdown (they are pasted into the README and closing notes)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .wrk import WrkResult


@dataclass
class Measured:
    """One row of a table: a page measured once, or a baseline measured several times."""

    name: str
    baseline: str  # "anonymous" or "logged in": the hello view it is compared with
    runs: list[WrkResult] = field(default_factory=list)
    failure: str = ""  # why it was not measured (its plain request did not return 200)
    neighbour: WrkResult | None = None  # a page's baseline, measured right after it

    @property
    def requests_per_second(self) -> float:
        return statistics.median(run.requests_per_second for run in self.runs)

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def size_table(title: str, baselines: dict[str, Measured], pages: list[Measured]) -> str:
    lines = [
        f"### {title}",
        "",
        "| page | req/s | p50 ms | p99 ms | errors | ratio to baseline "
        "| ratio to the baseline run right after it |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, hello in baselines.items():
        runs = ", ".join(_number(run.requests_per_second) for run in hello.runs)
        lines.append(
            f"| {hello.name} (median of {len(hello.runs)}: {runs}) "
            f"| {_number(hello.requests_per_second)} | {_ms(hello.p50_ms)} "
            f"| {_ms(hello.p99_ms)} | {hello.errors} | 1 ({kind}) | |"
        )
    for page in pages:
        if page.failure:
            lines.append(f"| {page.name} | not measured: {page.failure} | | | | | |")
            continue
        ratio = page.requests_per_second / baselines[page.baseline].requests_per_second
        beside = ""
        if page.neighbour is not None:
            hello = page.neighbour.requests_per_second
            beside = f"{page.requests_per_second / hello:.2f} (of {_number(hello)})"
        lines.append(
            f"| {page.name} | {_number(page.requests_per_second)} | {_ms(page.p50_ms)} "
            f"| {_ms(page.p99_ms)} | {page.errors} | {ratio:.2f} | {beside} |"
        )
    return "\n".join(lines)


def growth_table(
    small: list[Measured],
    large: list[Measured],
    sizes: tuple[str, str],
    baselines: tuple[dict[str, Measured], dict[str, Measured]],
) -> str:
    """req/s at both sizes; growth is how many times slower the larger size is, in plain req/s
    and relative to the matching baseline of the same size (which cancels out a machine that
    was busier during one size than the other): the baseline run right after the page where
    there is one, else the size's median."""
    lines = [
        "### Growth",
        "",
        f"| page | req/s at {sizes[0]} | req/s at {sizes[1]} | growth (slowdown) "
        "| growth relative to the baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    for before, after in zip(small, large, strict=True):
        if before.failure or after.failure:
            lines.append(f"| {before.name} | | | not measured | |")
            continue
        growth = before.requests_per_second / after.requests_per_second
        if before.neighbour is not None and after.neighbour is not None:
            drift = before.neighbour.requests_per_second / after.neighbour.requests_per_second
        else:
            drift = (
                baselines[0][before.baseline].requests_per_second
                / baselines[1][after.baseline].requests_per_second
            )
        lines.append(
            f"| {before.name} | {_number(before.requests_per_second)} "
            f"| {_number(after.requests_per_second)} | {growth:.2f}x | {growth / drift:.2f}x |"
        )
    return "\n".join(lines)
