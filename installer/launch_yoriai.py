"""PyInstaller entry script for `yoriai` (see client/launcher.py)."""

from client.launcher import main

raise SystemExit(main())
