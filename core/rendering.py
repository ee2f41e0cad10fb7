"""Markdown to safe HTML: rendered once when content is saved, sanitized before any visitor sees it.

Links written the way the source roadmap writes them (`./01-attention-is-all-you-need/summary.md`,
`./GLOSSARY.md`, `./QUICK_REFERENCE.md`) are rewritten to the matching pages of the site.
"""

import html as html_module
import re
import threading

import markdown
import nh3

PAPER_LINK = re.compile(
    r"\./\d{2}-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/summary\.md(?P<anchor>#[\w-]*)?"
)
PAGE_LINK = re.compile(r"\./(?P<name>[A-Z][A-Z0-9_]*)\.md(?P<anchor>#[\w-]*)?")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop URLs whose scheme, as a browser reads it, is not allowed.

    Browsers delete tabs and newlines anywhere in a URL and leading control characters, so
    `java<TAB>script:` is `javascript:` to them, while the sanitizer sees a relative URL.
    """
    if attribute == "class":
        # Only the language hint of fenced code, never the site's own classes.
        return value if re.fullmatch(r"language-[\w+-]+", value) else None
    if attribute not in URL_ATTRIBUTES:
        return value
    as_browser_reads = re.sub(r"[\t\n\r]", "", value).lstrip(C0_AND_SPACE)
    scheme = SCHEME.match(as_browser_reads)
    if scheme and scheme.group(1).lower() not in URL_SCHEMES:
        return None
    return value


def page_path_for(name: str) -> str:
    """`GLOSSARY` → `/glossary/`; `QUICK_REFERENCE` → `/pages/quick-reference/`."""
    if name == "GLOSSARY":
        return "/glossary/"
    return "/pages/" + name.lower().replace("_", "-") + "/"


def rewrite_links(text: str) -> str:
    text = PAPER_LINK.sub(lambda m: f"/papers/{m['slug']}/{m['anchor'] or ''}", text)
    return PAGE_LINK.sub(lambda m: page_path_for(m["name"]) + (m["anchor"] or ""), text)


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown instance per thread: building one costs more than rendering with it."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists"], output_format="html"
        )
        _local.converter = converter
    return converter


HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def demote_headings(html: str, top: int) -> str:
    """Shift the headings of rendered Markdown so that `#` becomes `<h{top}>`, `##` the level
    below and so on, never below h6. Markdown escapes `<` in text and code, so only the
    converter's own tags match."""
    shift = top - 1
    return HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}", html)


TABLE = re.compile(r"<table>.*?</table>", re.S)
HEADING = re.compile(r"<h[2-6]>(.*?)</h[2-6]>", re.S)
TAG = re.compile(r"<[^>]+>")


def wrap_tables(html: str) -> str:
    """Put each table in a box that scrolls sideways on its own, so a wide table never widens
    the page on a phone. The box is a named region that takes focus, so it scrolls by keyboard
    too; it is named after the heading above the table. Runs on sanitized HTML: the wrapper is
    the site's own, never something an author wrote."""
    tables = list(TABLE.finditer(html))
    if not tables:
        return html
    pieces, end = [], 0
    for number, table in enumerate(tables, start=1):
        headings = HEADING.findall(html, 0, table.start())
        name = html_module.unescape(TAG.sub("", headings[-1])).strip() if headings else ""
        name = f"{name} (table)" if name else "Table"
        if len(tables) > 1:
            name += f" {number} of {len(tables)}"
        pieces += [
            html[end : table.start()],
            f'<div class="table-scroll" role="region" aria-label="{html_module.escape(name)}"'
            f' tabindex="0">{table.group(0)}</div>',
        ]
        end = table.end()
    return "".join([*pieces, html[end:]])


def render_markdown(text: str, *, top_heading: int = 1) -> str:
    """Render Markdown to HTML that is safe to show to anyone. `top_heading` is the level a `#`
    heading gets: a learner's note sits under a step's h3, so its headings start at h4."""
    if not text or not text.strip():
        return ""
    html = _converter().reset().convert(rewrite_links(text))
    if top_heading > 1:
        html = demote_headings(html, top_heading)
    return wrap_tables(_sanitize(html))


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


def render_inline(text: str) -> str:
    """Render a one-line Markdown field (a key takeaway) without the wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
