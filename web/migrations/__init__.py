"""Migrations of the web service's tables (Django's, generated and committed)."""
