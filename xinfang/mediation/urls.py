"""Pages of the mediation network: cases and statistics (urls_cases), the daily
screening, the ledger and the weekly meetings (urls_screening)."""

from .urls_cases import urlpatterns as case_urls
from .urls_screening import urlpatterns as screening_urls

app_name = "mediation"

urlpatterns = [*case_urls, *screening_urls]
