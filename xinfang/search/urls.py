"""Pages of the search area (app "search")."""

app_name = "search"

urlpatterns: list = []
