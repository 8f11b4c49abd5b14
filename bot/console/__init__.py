"""The volunteer console: accounts, triage queue, transcripts, handoff, report and search.

It reads conversations from Rasa's `events` table and keeps everything of its own (accounts,
sessions, claims, notes) in `console_*` tables, so Rasa's data is never edited.
"""
