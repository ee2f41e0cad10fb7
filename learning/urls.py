"""URLs of the catalog, paths, progress, the dashboard and shared progress pages."""

from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("paths/<slug:slug>/", views.path_detail, name="path_detail"),
    path("paths/<slug:slug>/start/", views.path_start, name="path_start"),
    path("enrollments/<int:pk>/settings/", views.enrollment_settings, name="enrollment_settings"),
    path("enrollments/<int:pk>/pause/", views.enrollment_pause, name="enrollment_pause"),
    path("enrollments/<int:pk>/reset/", views.enrollment_reset, name="enrollment_reset"),
    path("enrollments/<int:pk>/restart/", views.enrollment_restart, name="enrollment_restart"),
    path("enrollments/<int:pk>/leave/", views.enrollment_leave, name="enrollment_leave"),
    path("enrollments/<int:pk>/share/", views.enrollment_share, name="enrollment_share"),
    path("shared/<str:token>/", views.shared_progress, name="shared_progress"),
    path("steps/<int:pk>/status/", views.step_status, name="step_status"),
    path("steps/<int:pk>/note/", views.step_note, name="step_note"),
    path("checklist-items/<int:pk>/tick/", views.checklist_tick, name="checklist_tick"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("builder/", views.builder_view, name="builder"),
    path("builder/save/", views.builder_resume, name="builder_resume"),
    path(
        "paths/<slug:slug>/steps/<int:pk>/restore/",
        views.personal_step_restore,
        name="personal_step_restore",
    ),
    path("paths/<slug:slug>/calendar.ics", views.path_calendar, name="path_calendar"),
]
