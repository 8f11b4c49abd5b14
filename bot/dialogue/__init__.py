"""Dialogue management that Rasa runs: the policy that hands a conversation to a volunteer."""
