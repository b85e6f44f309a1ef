"""One module per area of the main window (main_window.AREAS names them); each is imported the first time
its area is shown."""
