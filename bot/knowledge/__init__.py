"""The curated knowledge base: its schema, its files, its database tables and its search index."""
