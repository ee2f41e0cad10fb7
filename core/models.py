"""Abstract models every content app builds on: text kept tidy, Markdown rendered once,
publishable drafts, hours at each reading depth, and full-text search documents."""

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from .rendering import render_inline, render_markdown
from .search import search_vector


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        """Published content for everyone; drafts too for staff, who preview them."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()


class ContentModel(models.Model):
    """Content typed by curators: text is kept in one canonical form on save (`\\n` line
    endings, no surrounding white space, as Django's forms and the content file have it), so
    text typed in a browser (`\\r\\n`) or loaded from the file compares equal."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise_text()
        super().save(*args, **kwargs)

    def normalise_text(self) -> None:
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
                    setattr(self, field.attname, value)


class Publishable(models.Model):
    """Something curators draft and then publish: visitors see it only once published."""

    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_draft(self) -> bool:
        return self.status == PublicationStatus.DRAFT


class RenderedMarkdownModel(ContentModel):
    """Stores the sanitized HTML of each Markdown field beside its source, rendered on save.

    `markdown_fields` maps a source field to its HTML field; `inline_markdown_fields` likewise for
    one-line fields rendered without a wrapping paragraph.
    """

    markdown_fields: dict[str, str] = {}
    inline_markdown_fields: dict[str, str] = {}
    # The level a `#` heading in these fields gets (1 keeps the author's levels).
    markdown_top_heading: int = 1

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise_text()
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            all_fields = {**self.markdown_fields, **self.inline_markdown_fields}
            rendered = {all_fields[f] for f in update_fields if f in all_fields}
            kwargs["update_fields"] = set(update_fields) | rendered
        super().save(*args, **kwargs)

    def render_markdown_fields(self) -> None:
        for source, target in self.markdown_fields.items():
            setattr(
                self,
                target,
                render_markdown(getattr(self, source), top_heading=self.markdown_top_heading),
            )
        for source, target in self.inline_markdown_fields.items():
            setattr(self, target, render_inline(getattr(self, source)))


def search_document(weighted_fields) -> models.GeneratedField:
    """A stored tsvector of these (field, weight) pairs, kept current by PostgreSQL itself."""
    return models.GeneratedField(
        expression=search_vector(weighted_fields),
        output_field=SearchVectorField(),
        db_persist=True,
    )


class DepthKey(models.TextChoices):
    """The reading depths, and how they are named everywhere."""

    QUICK = "quick", "Quick pass"
    THOROUGH = "thorough", "Thorough"
    DEEP = "deep", "Deep study"


class DepthHours(models.Model):
    """Hours at each reading depth: Quick pass, Thorough, Deep study."""

    hours_quick = models.DecimalField(
        "hours (quick pass)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    hours_thorough = models.DecimalField(
        "hours (thorough)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    hours_deep = models.DecimalField(
        "hours (deep study)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        abstract = True

    @classmethod
    def hours_constraints(cls, prefix: str) -> list[models.CheckConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(hours_quick__gte=0) & Q(hours_thorough__gte=0) & Q(hours_deep__gte=0),
                name=f"{prefix}_hours_not_negative",
            )
        ]

    def hours_for(self, depth: str):
        return getattr(self, f"hours_{depth}")

    @property
    def hours_by_depth(self) -> list[tuple[str, str, object]]:
        """(key, label, hours) for each depth, in order: for templates."""
        return [(key, label, self.hours_for(key)) for key, label in DepthKey.choices]


class ContentVersion(models.Model):
    """One row whose `number` changes in every transaction that writes content: PostgreSQL
    triggers on the content tables change it (core.content_version), whatever wrote (the
    admin, an import, a revert, a bulk update). Rendered content is cached under it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(default=1)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="content_version_one_row")]

    def __str__(self) -> str:
        return f"Content version {self.number}"
