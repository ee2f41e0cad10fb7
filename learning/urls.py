"""URLs of the catalog, paths, progress, the dashboard and shared progress pages."""

from django.urls import include, path

from .digest import views as digest
from .views import builder, catalog, paths, progress

app_name = "learning"

urlpatterns = [
    path("", catalog.catalog, name="catalog"),
    path("paths/<slug:slug>/", paths.path_detail, name="path_detail"),
    path("paths/<slug:slug>/start/", paths.path_start, name="path_start"),
    path("enrollments/<int:pk>/settings/", paths.enrollment_settings, name="enrollment_settings"),
    path("enrollments/<int:pk>/pause/", paths.enrollment_pause, name="enrollment_pause"),
    path("enrollments/<int:pk>/reset/", paths.enrollment_reset, name="enrollment_reset"),
    path("enrollments/<int:pk>/restart/", paths.enrollment_restart, name="enrollment_restart"),
    path("enrollments/<int:pk>/leave/", paths.enrollment_leave, name="enrollment_leave"),
    path("enrollments/<int:pk>/share/", paths.enrollment_share, name="enrollment_share"),
    path("shared/<str:token>/", paths.shared_progress, name="shared_progress"),
    path("steps/<int:pk>/status/", progress.step_status, name="step_status"),
    path("steps/<int:pk>/note/", progress.step_note, name="step_note"),
    path("checklist-items/<int:pk>/tick/", progress.checklist_tick, name="checklist_tick"),
    path("dashboard/", progress.dashboard, name="dashboard"),
    path("papers/<slug:slug>/read/", catalog.paper_mark_read, name="paper_mark_read"),
    path("builder/", builder.builder_view, name="builder"),
    path("builder/save/", builder.builder_resume, name="builder_resume"),
    path(
        "paths/<slug:slug>/steps/<int:pk>/restore/",
        builder.personal_step_restore,
        name="personal_step_restore",
    ),
    path("paths/<slug:slug>/calendar.ics", builder.path_calendar, name="path_calendar"),
    # Study groups (learning/groups/urls.py).
    path("", include("learning.groups.urls")),
    # The weekly digest: the learner's choice, and the emails' one-click unsubscribe link.
    path("digest/", digest.digest_settings, name="digest_settings"),
    path("digest/unsubscribe/<str:token>/", digest.digest_unsubscribe, name="digest_unsubscribe"),
    path("digest/subscribe/<str:token>/", digest.digest_resubscribe, name="digest_resubscribe"),
]
