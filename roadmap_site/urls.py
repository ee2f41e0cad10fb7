"""Top-level URLs: the stable vocabulary of DESIGN.md."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from learning import admin_views

from . import views

# The admin's login is allauth's, with the same rate limits as the site's.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Learning Roadmap: curator workspace"
admin.site.site_title = "Learning Roadmap admin"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/markdown-preview/", admin_views.markdown_preview, name="markdown_preview"),
    path("admin/roadmap/export/", admin_views.roadmap_export, name="roadmap_export"),
    path("admin/roadmap/import/", admin_views.roadmap_import, name="roadmap_import"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("papers.urls")),
    path("", include("learning.urls")),
]
