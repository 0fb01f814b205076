"""PyInstaller entry script for `yoriai-policy` (see client/policy_tool.py)."""

from client.policy_tool import main

raise SystemExit(main())
