"""The Curators group: who may edit the roadmap's content in the admin, and nothing else."""

CURATORS_GROUP = "Curators"

# (app label, model name) of every content model. Users, learners' progress, enrolments and
# groups are deliberately absent: curators cannot see or change them.
CONTENT_MODELS = [
    ("papers", "paper"),
    ("papers", "topic"),
    ("papers", "topicpaper"),
    ("papers", "glossaryterm"),
    ("papers", "page"),
    ("learning", "path"),
    ("learning", "phase"),
    ("learning", "step"),
    ("learning", "steppaper"),
    ("learning", "pathsection"),
    ("learning", "checklist"),
    ("learning", "checklistitem"),
    ("learning", "roadmapinfo"),
    ("learning", "depth"),
]
ACTIONS = ["view", "add", "change", "delete"]


def curator_permission_codenames() -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for app, model in CONTENT_MODELS for action in ACTIONS]
