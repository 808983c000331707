from django.urls import path

from . import views

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="people-invite"),
    path("people/api-keys/", views.api_keys, name="api-keys"),
    path("people/teams/", views.teams_channel, name="teams-channel"),
    path("people/api-keys/<uuid:uuid>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("people/tenants/", views.tenants, name="tenants"),
    path("people/tenants/<int:pk>/remove/", views.tenant_remove, name="tenant-remove"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/remove/", views.person_remove, name="person-remove"),
    path(
        "people/invitations/<uuid:uuid>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    # The one-time link an invitation email carries: opened before its reader has an account.
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
