"""Development tools: run from the repository root, never part of the production image."""
