from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns
from django.urls import path

from . import views
from .provider import EntraProvider

urlpatterns = [
    *default_urlpatterns(EntraProvider),
    path(
        "invitation/<str:token>/microsoft/",
        views.accept_with_microsoft,
        name="invitation-microsoft",
    ),
]
