"""A personal path's plan as an iCalendar file: one event per week of what is left, from today
at the learner's pace, the same weeks and finish date the path page shows."""

from __future__ import annotations

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from .estimates import hours_display
from .progress import PathState


def plan_calendar(*, title: str, slug: str, state: PathState, page_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Learning Roadmap//Personal path//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    remaining = state.remaining
    left = [s for phase in state.phases for s in phase.steps if not s.finished]
    for block in remaining.blocks if remaining else []:
        steps = [left[i] for i in block.indexes]
        start = remaining.block_start(block)
        event = Event()
        event.add("uid", f"{slug}-week-{block.number}@learning-roadmap")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(weeks=block.span))
        event.add("summary", f"{block.label}: {', '.join(s.step.title for s in steps)}")
        lines = [f"- {s.step.title} (~{hours_display(s.estimate)})" for s in steps]
        event.add("description", "\n".join(lines) + f"\n\n{page_url}")
        event.add("url", page_url)
        calendar.add_component(event)
    return calendar.to_ical()
