"""Rasa input channels, where the stock connectors fall short for this assistant."""
