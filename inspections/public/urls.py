from django.urls import path

from . import views

urlpatterns = [
    path("public/responses/", views.national, name="public-responses"),
    path("public/responses/<slug:slug>/", views.force, name="public-force"),
    path("public/responses/letter/<uuid:uuid>/", views.letter, name="public-letter"),
]
