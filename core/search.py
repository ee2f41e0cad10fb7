"""Full-text search documents: a model's weighted fields as one PostgreSQL tsvector."""

from django.contrib.postgres.search import SearchVector

SEARCH_CONFIG = "english"


def search_vector(weighted_fields):
    """The weighted full-text document of a model, for its stored `search_vector`."""
    parts = [SearchVector(f, weight=w, config=SEARCH_CONFIG) for f, w in weighted_fields]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector
