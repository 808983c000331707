from django.urls import path

from . import views

urlpatterns = [
    path("public/responses/", views.national, name="public-responses"),
    path("public/responses/<slug:slug>/", views.force, name="public-force"),
    path("public/responses/letter/<uuid:uuid>/", views.letter, name="public-letter"),
    path("public/responses/comments/<uuid:uuid>/", views.comments, name="public-comments"),
    path(
        "public/responses/comments/<uuid:uuid>/file",
        views.comments_file,
        name="public-comments-file",
    ),
]
