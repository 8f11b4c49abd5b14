"""The project's own spaCy pipeline: built from code, since no model can be downloaded here."""
