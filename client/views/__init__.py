"""The desktop app's windows and panels. Each module is one part of the main window."""
