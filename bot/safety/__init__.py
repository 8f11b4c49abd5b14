"""The safety net: warning signs and crisis, found by rules in every message."""
