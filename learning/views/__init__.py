"""The learning app's pages, by job: the catalog and a paper's page (catalog.py), a path and the
learner's enrolment on it (paths.py), marking steps and the dashboard (progress.py), and the
builder (builder.py). The learner's record lives in learning/record_views.py."""
