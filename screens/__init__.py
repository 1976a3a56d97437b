"""The officer's view: the Textual application, one screen per task, widgets and styles.

Screens talk only to `onestop` services (never to the database); heavy modules are imported lazily so the
first screen paints before SQLModel is loaded.
"""
