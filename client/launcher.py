"""The desktop client's command: `yoriai [--self-test [--json]] [app arguments]`.

`--self-test` runs client/selftest.py before anything starts a Qt event loop, so the
installers, CI and help desks can check an installation without a screen. Everything
else goes to the desktop app, `client.app.main()` (the Qt client, issue 3).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in args:
        args.remove("--self-test")
        from client.selftest import main as self_test

        return self_test(args)
    try:
        app = importlib.import_module("client.app")
    except ModuleNotFoundError as exc:
        if exc.name != "client.app":
            raise
        print(
            "yoriai: the desktop app is not in this build; try yoriai --self-test", file=sys.stderr
        )
        return 2
    result = app.main()
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
