"""What the learner-record tests share: a learner with a bit of everything, the record as it
comes back from a JSON file, and ways to compare records and databases."""

import copy
import json

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learning import services
from learning.models import (
    ChecklistTick,
    Enrollment,
    Path,
    Phase,
    ProgressEvent,
    Step,
    StepPaper,
    StepProgress,
)
from learning.record import learner_export

from .factories import (
    ChecklistFactory,
    ChecklistItemFactory,
    EnrollmentFactory,
    PathFactory,
    StepProgressFactory,
    steps_of,
)
from .test_builder import BUILDER
from .test_builder import plan as builder_plan
from .test_builder import save as builder_save


def personal_path_with_a_removed_step(user, client) -> Path:
    """A personal path made with the builder (from the seed's library), with progress on two
    steps, one of them then removed from the plan (archived with its record)."""
    builder_plan(client)
    assert builder_save(client).status_code == 302
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    lora = Step.objects.get(path=path, slug="lora")
    rag = Step.objects.get(path=path, slug="rag")
    services.step_progress_set(enrollment=enrollment, step=lora, status="done")
    services.step_note_set(enrollment=enrollment, step=lora, note="LoRA: *low rank*")
    services.step_progress_set(enrollment=enrollment, step=rag, status="in_progress")
    client.get(BUILDER + f"?path={path.slug}")
    client.post(BUILDER, {"action": "remove", "key": "rag"})
    assert builder_save(client, confirm="yes").status_code == 302
    assert Step.objects.get(pk=rag.pk).archived
    return path


def learner_with_everything(make_user, client_for):
    """Learner A with a bit of everything: two curated paths, followed deep (statuses, notes, a
    step later archived) and quick; two checklist ticks; a second email address; and a personal
    path with one step removed from the plan. The `learner` fixture of the record's tests."""
    user = make_user("ada@example.com", display_name="Ada")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="ada.work@example.com", verified=False)
    deep = services.enrollment_create(
        user=user, path=PathFactory(phase_sizes=[2, 2]), depth="deep", hours_per_week=6
    )[0]
    quick = services.enrollment_create(user=user, path=PathFactory(phase_sizes=[1]), depth="quick")[
        0
    ]
    steps = steps_of(deep.path)
    services.step_progress_set(enrollment=deep, step=steps[0], status="done")
    services.step_note_set(enrollment=deep, step=steps[0], note="Attention is **all**.")
    services.step_progress_set(enrollment=deep, step=steps[1], status="in_progress")
    services.step_progress_set(enrollment=deep, step=steps[2], status="skipped")
    services.step_note_set(enrollment=deep, step=steps[3], note="only a note")
    services.step_progress_set(enrollment=quick, step=steps_of(quick.path)[0], status="done")
    services.steps_set_archived(steps=[steps[2]], archived=True)  # its record must survive
    for item in ChecklistFactory(items=2).items.all():
        services.checklist_tick_set(user=user, item=item, ticked=True)
    personal_path_with_a_removed_step(user, client_for(user))
    return user


def some_progress(user) -> None:
    """A little of a learner's data, on a path of its own: statuses on two steps (one with a
    note) and a checklist tick."""
    enrollment = EnrollmentFactory(user=user)
    steps = steps_of(enrollment.path)
    StepProgressFactory(enrollment=enrollment, step=steps[0], status="done", note="a note")
    StepProgressFactory(enrollment=enrollment, step=steps[1], status="in_progress")
    services.checklist_tick_set(user=user, item=ChecklistItemFactory(), ticked=True)


def followed_path(user, depth: str) -> Path:
    """The curated path the learner follows at this depth."""
    return Enrollment.objects.get(user=user, depth=depth, path__owner__isnull=True).path


def other_learners_data(user, path: Path) -> None:
    """Another learner's status, secret note, tick and email address, on the same path."""
    enrollment = services.enrollment_create(user=user, path=path, depth="thorough")[0]
    step = steps_of(path)[0]
    services.step_progress_set(enrollment=enrollment, step=step, status="skipped")
    services.step_note_set(enrollment=enrollment, step=step, note="someone else's secret")
    services.checklist_tick_set(user=user, item=ChecklistItemFactory(), ticked=True)
    EmailAddress.objects.create(user=user, email="someone.else.work@example.com", verified=True)


def as_file(document: dict) -> dict:
    """The document as it comes back from a JSON file."""
    return json.loads(json.dumps(document))


def exported(user) -> dict:
    return as_file(learner_export(user=user))


def normalised(document: dict) -> dict:
    """Everything but the export time and the account, with personal paths' slugs replaced by
    their place in the list (an import gives them new slugs)."""
    document = copy.deepcopy(document)
    del document["exported_at"], document["account"]
    names = {p["slug"]: f"personal-{i}" for i, p in enumerate(document["personal_paths"])}
    for part in ("enrollments", "progress", "events"):
        for entry in document[part]:
            entry["path"] = names.get(entry["path"], entry["path"])
    for personal in document["personal_paths"]:
        personal["slug"] = names[personal["slug"]]
    return document


def all_rows() -> dict:
    """How many rows of every kind the import writes, across all learners."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Enrollment,
            StepProgress,
            ProgressEvent,
            ChecklistTick,
            Path,
            Phase,
            Step,
            StepPaper,
        )
    }


def state(user) -> dict:
    """A learner's data as the export shows it, plus the rows behind it."""
    document = exported(user)
    del document["exported_at"]
    return {"document": document, "rows": all_rows()}


def upload(client, text: str | bytes, name: str = "record.json"):
    content = text.encode() if isinstance(text, str) else text
    file = SimpleUploadedFile(name, content, content_type="application/json")
    return client.post(reverse("account_import"), {"record": file})
