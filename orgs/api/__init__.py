"""The REST API for scripts (issue 4): serializers and views that call the selectors and services."""
