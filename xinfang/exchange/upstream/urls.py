from django.urls import path

from . import views

app_name = "exchange_upstream"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("outbox/<uuid:pk>/retry/", views.retry, name="retry"),
    path("v1/messages/", views.receive, name="messages"),
]
