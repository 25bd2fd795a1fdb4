"""The PySide6 desktop front end. No business rules here: it calls actions/, the one door."""
