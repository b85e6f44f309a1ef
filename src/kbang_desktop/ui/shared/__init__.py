"""What every screen uses the same way: background tasks (`tasks`), table models and views (`tables`),
small widgets (`widgets`), the dialog base (`dialogs`), the area base (`area`), the words several
screens show (`words`) and this PC's screen preferences (`prefs`)."""
