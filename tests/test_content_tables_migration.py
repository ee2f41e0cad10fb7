"""A site that upgrades shows its wide tables in scroll boxes, as a fresh load does: content
rendered before the boxes existed is rendered again by learning/migrations/0012."""

import importlib

from django.apps import apps

from papers.models import Page

from .factories import PageFactory

MIGRATION = importlib.import_module("learning.migrations.0012_content_tables_in_scroll_boxes")
TABLE = "## Costs\n\n| Model | Hours |\n|---|---|\n| BERT | 2 |\n"


def test_content_rendered_before_the_boxes_gets_them(db):
    page = PageFactory(body=TABLE)
    boxed = Page.objects.get(pk=page.pk).body_html
    assert 'class="table-scroll"' in boxed
    unboxed = "<h2>Costs</h2>\n<table>" + boxed.split("<table>", 1)[1].split("</div>")[0]
    Page.objects.filter(pk=page.pk).update(body_html=unboxed)
    untouched = PageFactory(body="No table here.")
    before = Page.objects.get(pk=untouched.pk).body_html

    MIGRATION.box_the_tables(apps, None)

    assert Page.objects.get(pk=page.pk).body_html == boxed
    assert Page.objects.get(pk=untouched.pk).body_html == before
