"""Myositis Exercise Guide: the domain layer behind the Rasa assistant.

The Rasa actions stay thin; what the assistant knows and how it answers lives here.
"""
