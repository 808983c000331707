from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from .views import api

# Not named app_name: include() would read that as this module's own namespace.
patterns, ninja_app, api_namespace = api.urls


def open_to_keys(items: list[URLPattern | URLResolver]) -> None:
    """The API is not behind the sign-in: every endpoint asks for a key instead (a request
    without one is answered 401), and its description is public."""
    for item in items:
        if isinstance(item, URLResolver):
            open_to_keys(item.url_patterns)
        else:
            login_not_required(item.callback)


open_to_keys(patterns)

urlpatterns = [path("api/v1/", include((patterns, ninja_app), namespace=api_namespace))]
