"""How the assistant's processes are started and what each one loads."""
