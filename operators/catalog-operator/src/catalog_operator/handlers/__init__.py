"""One module per reconcile step, `handle_<verb>_<noun>.py`; main.py only delegates here."""
