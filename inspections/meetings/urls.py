from django.urls import path

from . import views

urlpatterns = [
    path("meeting-packs/", views.pack_list, name="meeting-packs"),
    path("meeting-packs/<uuid:uuid>/", views.pack_detail, name="meeting-pack"),
    path("meeting-packs/<uuid:uuid>/<slug:fmt>/", views.pack_file, name="meeting-pack-file"),
]
