"""No curator-written Markdown can put script into a visitor's page."""

import re
from html.parser import HTMLParser

import pytest

from core.rendering import render_markdown
from learning.models import RoadmapInfo

from .factories import (
    GlossaryTermFactory,
    PageFactory,
    PaperFactory,
    PathFactory,
    PathSectionFactory,
    StepFactory,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<a href=javascript:alert(1)>x</a>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<a href=x onmouseover=alert(1)>x</a>",
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "<!--><script>alert(1)</script>-->",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<p onclick=alert(1)>x</p>",
    '[x](https://example.com "title onmouseover=alert(1)")',
    "<video><source onerror=alert(1)></video>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base",
    "textarea", "frame", "frameset", "applet", "video", "audio", "source", "img", "noscript",
    "body", "html",
}  # fmt: skip
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}


class SafetyChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc"}:
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                # As the URL standard parses it: tabs and newlines removed, leading C0 and
                # spaces stripped.
                url = "".join(ch for ch in value if ch not in "\t\n\r").lstrip(C0_AND_SPACE)
                if url.lower().startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"{tag}[{name}={value!r}]")

    handle_startendtag = handle_starttag


# The path's map is the site's own SVG (templates/learning/_path_map.html): drawn from ids,
# numbers and escaped titles, never from an author's Markdown. The rest of the page is checked.
SITE_MAP = re.compile(r'<section id="path-map".*?</section>', re.S)


def unsafe_parts(html: str) -> list[str]:
    checker = SafetyChecker()
    checker.feed(html)
    checker.close()
    return checker.problems


def test_the_checker_itself_catches_unsafe_html():
    assert unsafe_parts('<a href=" javascript:x">a</a><p onclick="x">b</p><script></script>') == [
        "a[href=' javascript:x']",
        "p[onclick]",
        "<script>",
    ]
    assert unsafe_parts("<p>fine <a href='/papers/x/'>link</a></p>") == []


def test_there_are_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renderer_neutralizes_payload(payload):
    assert unsafe_parts(render_markdown(payload)) == []
    assert unsafe_parts(render_markdown(f"Some **text** before.\n\n{payload}\n\nAnd after.")) == []


def roadmap_info() -> RoadmapInfo:
    """The roadmap's single row of texts (the seed's, if it is loaded)."""
    return RoadmapInfo.objects.get_or_create(defaults={"title": "Roadmap", "tagline": "Papers"})[0]


def on_its_page(obj) -> str:
    return obj.get_absolute_url()


def on_its_path(obj) -> str:
    return obj.path.get_absolute_url()


def _targets():
    """(object maker, Markdown field, page URL getter) for every Markdown field shown on a page."""
    targets = [
        ("paper", PaperFactory, field, on_its_page)
        for field in (
            "summary",
            "why_it_matters",
            "core_idea",
            "focus_points",
            "further_reading",
            "key_takeaway",
        )
    ] + [
        ("glossary", GlossaryTermFactory, "definition", lambda o: "/glossary/"),
        ("page", PageFactory, "body", on_its_page),
        ("roadmap", roadmap_info, "closing_note", lambda o: "/"),
        ("path", PathFactory, "after_completing", on_its_page),
        ("step", StepFactory, "body", on_its_path),
        ("step", StepFactory, "key_takeaway", on_its_path),
        ("section", PathSectionFactory, "body", on_its_path),
    ]
    return [
        pytest.param(make, field, url_of, id=f"{kind}-{field}")
        for kind, make, field, url_of in targets
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "field", "url_of"), _targets())
def test_every_markdown_field_shows_every_payload_harmlessly(client, make, field, url_of):
    obj = make()
    for payload in PAYLOADS:
        setattr(obj, field, f"Intro text.\n\n{payload}")
        obj.save()
        response = client.get(url_of(obj))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Intro text." in html, f"{field} is not shown on {url_of(obj)}"
        main = html.split('<main id="main"', 1)[1]
        assert unsafe_parts(SITE_MAP.sub("", main)) == [], (field, payload)


def test_a_table_scrolls_in_a_named_focusable_box_only_the_site_makes():
    html = render_markdown(
        "## Costs & times\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        '<div class="table-scroll" role="region" tabindex="0">forged</div>'
    )
    assert (
        '<div class="table-scroll" role="region" aria-label="Costs &amp; times (table)"'
        ' tabindex="0"><table>'
    ) in html
    assert html.count("table-scroll") == 1  # an author's own copy keeps none of it
    assert "<div>forged</div>" in html
