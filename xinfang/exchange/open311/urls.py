from django.urls import path, register_converter

from . import views


class Format:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Format, "fmt")

app_name = "open311"

urlpatterns = [
    path("services.<fmt:fmt>", views.service_list, name="services"),
    path("services/<str:service>.<fmt:fmt>", views.service_definition, name="service"),
    path("requests.<fmt:fmt>", views.requests_, name="requests"),
    path("requests/<str:number>.<fmt:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<fmt:fmt>", views.token, name="token"),
]
