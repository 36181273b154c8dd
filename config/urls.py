from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from xinfang.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", core_views.account, name="account"),
    # Django's views: the password validators apply; the other sessions of the user
    # end (their hash changes) and the API tokens are revoked (core.signals).
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("xinfang.exchange.urls")),
    # Open311 GeoReport v2 over the public categories and published matters.
    path("open311/v2/", include("xinfang.exchange.open311.urls")),
    # The exchange with the systems above and below: the signed endpoint and the
    # administrator's page (exchange.upstream).
    path("exchange/upstream/", include("xinfang.exchange.upstream.urls")),
    # The administrator's import of an office's earlier ledgers (台账导入).
    path("exchange/ledgers/", include("xinfang.exchange.ledger.urls")),
    path("", include("xinfang.portal.urls")),
    path("", include("xinfang.petitions.urls")),
    path("", include("xinfang.mediation.urls")),
    path("", include("xinfang.leadership.urls")),
    path("", include("xinfang.supervision.urls")),
    path("", include("xinfang.search.urls")),
    path("", include("xinfang.analytics.urls")),
    path("", include("xinfang.orgs.urls")),
]

handler400 = "xinfang.core.views.bad_request"
handler404 = "xinfang.core.views.not_found"
handler500 = "xinfang.core.views.server_error"
