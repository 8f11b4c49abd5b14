"""The web app: the chat widget, a demo charity page, conversation history and health."""
