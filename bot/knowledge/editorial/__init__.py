"""Content governance: drafts, clinical review, published versions and their history."""
