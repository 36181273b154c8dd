"""/api/v1/ views of the leadership area, one topic per module (routes in api_urls)."""
