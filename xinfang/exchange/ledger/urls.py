"""/exchange/ledgers/: the administrator's ledger import (台账导入)."""

from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/progress", views.import_progress, name="progress"),
    path("<int:pk>/resume", views.import_resume, name="resume"),
    path("<int:pk>/rejected.csv", views.rejected_rows, name="rejected"),
]
