"""The study group pages' addresses (included by learning/urls.py, in the learning namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/join/<str:token>/", views.group_join, name="group_join"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/board.csv", views.group_board_csv, name="group_board_csv"),
    path("groups/<int:pk>/sharing/", views.membership_sharing, name="group_sharing"),
    path("groups/<int:pk>/leave/", views.group_leave, name="group_leave"),
    path("groups/<int:pk>/settings/", views.group_settings, name="group_settings"),
    path("groups/<int:pk>/invite/", views.group_invite, name="group_invite"),
    path("groups/<int:pk>/close/", views.group_close, name="group_close"),
    path(
        "groups/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="group_member_remove",
    ),
    path(
        "groups/<int:pk>/members/<int:member_pk>/organiser/",
        views.organiser_add,
        name="group_organiser_add",
    ),
    path(
        "groups/<int:pk>/members/<int:member_pk>/hand-over/",
        views.organising_hand_over,
        name="group_hand_over",
    ),
]
