"""Pages of the analytics area (app "analytics")."""

from django.urls import path

from . import views, views_monthly

app_name = "analytics"

urlpatterns: list = [
    path("analytics/", views.dashboard, name="dashboard"),
    path("analytics/matters/", views.matters, name="matters"),
    path("analytics/indicators.xlsx", views.export_xlsx, name="export"),
    path("analytics/reports/", views_monthly.report_list, name="monthly_list"),
    path("analytics/reports/<int:pk>/", views_monthly.report_detail, name="monthly"),
    path("analytics/reports/<int:pk>/issue/", views_monthly.report_issue, name="monthly_issue"),
    path("analytics/reports/<int:pk>/report.pdf", views_monthly.report_pdf, name="monthly_pdf"),
    path("analytics/reports/<int:pk>/report.xlsx", views_monthly.report_xlsx, name="monthly_xlsx"),
]
