"""The importer (being split: see the next commit)."""
