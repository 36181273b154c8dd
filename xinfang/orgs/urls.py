from django.urls import path

from . import views

urlpatterns = [
    path("start/", views.start, name="start"),
    path("start/<str:role>/", views.start_role, name="start_role"),
    path("units/", views.unit_index, name="unit_index"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
