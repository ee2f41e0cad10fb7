"""A path's steps as HTML, rendered once per content version (core.page_cache), with the
learner's own parts filled in on each request: the per-step template is the page's hottest
part, and most of it is the same for every learner.

The template (learning/_step.html) is rendered with NUL-delimited holes; PostgreSQL text cannot
hold NUL, so no content can imitate one. `fill` replaces each hole with the learner's value,
escaped here as the template would have."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.page_cache import CSRF_PLACEHOLDER, rendered

from .estimates import hours_display
from .models import StepStatus


def _hole(name: str) -> str:
    return f"\x00{name}\x00"


STATUSES = [value for value, _ in StepStatus.choices]
HOLES = {
    "class": _hole("class"),
    "meta": _hole("meta"),
    "read_in": _hole("read_in"),
    "enrolled_start": _hole("enrolled_start"),
    "enrolled_end": _hole("enrolled_end"),
    "csrf": _hole("csrf"),
    "pressed": {value: _hole(f"pressed:{value}") for value in STATUSES},
    "outline": {value: _hole(f"outline:{value}") for value in STATUSES},
    "note_open": _hole("note_open"),
    "note_saved": _hole("note_saved"),
    "note_body": _hole("note_body"),
    "note": _hole("note"),
}


def _render(step, papers) -> str:
    context = {"step": step, "papers": papers, "hole": HOLES, "statuses": StepStatus.choices}
    return render_to_string("learning/_step.html", context)


def blocks(request, path, steps: list) -> dict[int, tuple[str, str, str]]:
    """Step id → its HTML with holes, in three parts (before the learner's forms, the forms,
    after them), for the step states `steps` (whose `papers` are those the visitor may see). A
    curated path's are kept per content version; a personal path's (whose changes leave the
    version alone) and a staff member's (who sees draft papers) are not."""

    def build() -> dict[int, tuple[str, str, str]]:
        built = {}
        for st in steps:
            before, rest = _render(st.step, st.papers).split(HOLES["enrolled_start"])
            forms, after = rest.split(HOLES["enrolled_end"])
            built[st.step.pk] = (before, forms, after)
        return built

    user = request.user
    if path.owner_id is not None or (user.is_authenticated and user.is_staff):
        return build()
    return rendered(request, f"step-blocks:{path.slug}", build)


def _learner_parts(st, enrollment) -> dict[str, str]:
    parts = {"class": f"status-{st.status}"}
    if st.read_in:
        parts["read_in"] = format_html(
            '<p class="read-in"><small>Already read in {}.</small></p>', ", ".join(st.read_in)
        )
    if not enrollment:
        return parts
    next_badge = mark_safe(' <span class="badge next-badge">Next</span>') if st.is_next else ""
    parts["meta"] = format_html(
        '<p class="step-meta"><span class="status-badge status-{}">{}</span>{} '
        "<small>~{}</small></p>",
        st.status,
        st.status_label,
        next_badge,
        hours_display(st.estimate),
    )
    if st.is_next:
        parts["class"] += " is-next"
    if st.note:
        parts |= {"note_open": " open", "note_saved": " (saved)", "note": escape(st.note)}
    if st.note_html:
        parts["note_body"] = format_html('<div class="note-body">{}</div>', mark_safe(st.note_html))
    return parts


FILLED = ("class", "meta", "read_in", "note_open", "note_saved", "note_body", "note")


def fill(block: tuple[str, str, str], st, enrollment, csrf_token: str) -> SafeString:
    """The step's HTML for this learner (their forms only if they follow the path)."""
    before, forms, after = block
    html = before + forms + after if enrollment else before + after
    parts = _learner_parts(st, enrollment)
    if enrollment:
        html = html.replace(HOLES["csrf"], escape(csrf_token))
        for value in STATUSES:
            chosen = value == st.status
            html = html.replace(HOLES["pressed"][value], "true" if chosen else "false")
            html = html.replace(HOLES["outline"][value], "" if chosen else " outline")
    for name in FILLED:
        html = html.replace(HOLES[name], str(parts.get(name, "")))
    return mark_safe(html)  # every part above is escaped, or HTML sanitised when it was saved


def lay_out(request, path, state, enrollment) -> None:
    """Give every step state of the path its HTML for this request (`st.html`)."""
    steps = [st for ps in state.phases for st in ps.steps]
    made = blocks(request, path, steps)
    token = ""
    if enrollment:
        token = (
            CSRF_PLACEHOLDER
            if getattr(request, "renders_with_holes", False)
            else get_token(request)
        )
    for st in steps:
        st.html = fill(made[st.step.pk], st, enrollment, token)
