"""The Textual app: a thin skin over the core (which never imports Textual)."""
