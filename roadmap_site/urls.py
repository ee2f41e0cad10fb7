"""Top-level URLs: the stable vocabulary of DESIGN.md."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

import papers.urls
from core.admin import view_on_site_if_listed
from learning import admin_views, record_views
from learning.insights import views as insights_views
from learning.views import catalog as learning_catalog

from . import views

# The admin's login is allauth's, with the same rate limits as the site's.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Learning Roadmap: curator workspace"
admin.site.site_title = "Learning Roadmap admin"

# The paper list and a paper's page show the learner's statuses (and a paper's page the steps
# that use it), so learning serves them, under the library's name.
papers_urls = [
    *papers.urls.urlpatterns,
    path("papers/", learning_catalog.paper_list, name="paper_list"),
    path("papers/<slug:slug>/", learning_catalog.paper_detail, name="paper_detail"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/markdown-preview/", admin_views.markdown_preview, name="markdown_preview"),
    path("admin/roadmap/export/", admin_views.roadmap_export, name="roadmap_export"),
    path("admin/roadmap/import/", admin_views.roadmap_import, name="roadmap_import"),
    # Curator insights: aggregates only, read from a stored snapshot (learning/insights/).
    path("admin/insights/", insights_views.insights_index, name="insights_index"),
    path("admin/insights/<slug:slug>/", insights_views.insights_path, name="insights_path"),
    path("admin/insights/<slug:slug>.csv", insights_views.insights_csv, name="insights_csv"),
    # "View on site" only for what the admin lists (never a learner's personal path).
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site_if_listed),
    ),
    path("admin/", admin.site.urls),
    path("accounts/data/", record_views.data, name="account_data"),
    path("accounts/data/export.json", record_views.export_json, name="account_export_json"),
    path("accounts/data/export.md", record_views.export_markdown, name="account_export_markdown"),
    path("accounts/data/format/", record_views.record_format, name="account_record_format"),
    path("accounts/data/import/", record_views.import_check, name="account_import"),
    path(
        "accounts/data/import/confirm/",
        record_views.import_confirm,
        name="account_import_confirm",
    ),
    path("accounts/delete/", record_views.delete_account, name="account_delete"),
    path(
        "accounts/data/log-out-everywhere/",
        record_views.log_out_everywhere,
        name="account_log_out_everywhere",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include((papers_urls, "papers"))),
    path("", include("search.urls")),
    path("", include("learning.urls")),
]
