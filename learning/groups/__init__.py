"""Study groups: learners working through one curated path together (services, selectors,
views, forms and URLs of the group pages)."""
