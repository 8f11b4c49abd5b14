"""Slot names shared by Rasa's side (policies) and the console's side (the handoff client).

Kept apart from the policy so the web app can name the slot without importing Rasa, which
would load TensorFlow into a process that never runs a model.
"""

VOLUNTEER_SLOT = "volunteer"
