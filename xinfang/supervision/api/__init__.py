"""/api/v1/ views of the supervision area, one topic per module (routes in api_urls)."""
