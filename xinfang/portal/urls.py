from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("public/", views.start, name="start"),
    path("public/submit/", views.submit, name="submit"),
    path("public/receipt/", views.receipt, name="receipt"),
    path("public/track/", views.track, name="track"),
    path("public/track/matter/", views.matter, name="matter"),
    path("public/track/matter/evaluate/", views.evaluate, name="evaluate"),
    path("public/track/matter/review/", views.ask_review, name="review"),
    path("public/track/matter/notices/<int:event_id>.pdf", views.notice, name="notice"),
    path("public/track/matter/sms/", views.sms, name="sms"),
    path("public/track/leave/", views.leave, name="leave"),
    path("public/text-size/", views.text_size, name="text_size"),
    path("kiosk/", views.kiosk, name="kiosk"),
]
