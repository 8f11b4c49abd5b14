"""Benchmarks: the assistant measured against a stock Rasa assistant in the same run."""
