from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from inspections import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("evidence/<int:update_id>/", views.evidence_file, name="evidence-file"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
