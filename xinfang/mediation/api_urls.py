"""/api/v1/ routes of the mediation network (included by xinfang.exchange.urls)."""

from .api_urls_cases import urlpatterns as case_urls
from .api_urls_screening import urlpatterns as screening_urls

urlpatterns = [*case_urls, *screening_urls]
