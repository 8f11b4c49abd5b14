"""Personal identifiers kept out of storage, and conversations deleted on request."""
