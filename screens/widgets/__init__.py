"""Reusable widgets: status bar with the sync badge, the person form, the documents checklist."""
