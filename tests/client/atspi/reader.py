"""Read the app through AT-SPI, as a screen reader does. Run with Debian's python3.

pyatspi is not on PyPI, so this runs as its own process under /usr/bin/python3, on the
same D-Bus session as the app. It prints one JSON object: every focusable control with
its name and role, and whether joining a room through AT-SPI actions worked.

    /usr/bin/python3 reader.py --app Yoriai --room "会議室 3" --timeout 60
"""

import argparse
import json
import sys
import time

import pyatspi

ROLE_OK = {
    "push button",
    "check box",
    "combo box",
    "text",
    "password text",
    "tree",
    "tree table",
    "table",
    "list",
    "menu item",
    "menu",
    "menu bar",
    "page tab",
    "radio button",
    "spin button",
    "slider",
    "entry",
    "list box",
    "tree item",
    "table cell",
    "list item",
}


def find_app(name, timeout, title="Yoriai —"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.name == name:
                for j in range(app.childCount):
                    frame = app.getChildAtIndex(j)
                    if frame is not None and frame.name.startswith(title):
                        return app, frame
        time.sleep(0.25)
    raise SystemExit(json.dumps({"error": f"no {title!r} window of {name} on the AT-SPI bus"}))


def sign_in(frame, user, password):
    """Fill the sign-in window through AT-SPI's editable text and press Sign in."""
    fields = {}
    for node in walk(frame):
        if node.getRoleName() in ("text", "password text") and node.name in (
            "User name",
            "Password",
        ):
            fields[node.name] = node
    if set(fields) != {"User name", "Password"}:
        return {"signed_in": False, "why": f"fields found: {sorted(fields)}"}
    fields["User name"].queryEditableText().setTextContents(user)
    fields["Password"].queryEditableText().setTextContents(password)
    button = find(frame, "push button", lambda n: n.name == "Sign in")
    if button is None:
        return {"signed_in": False, "why": "no Sign in button"}
    button.queryAction().doAction(0)
    return {"signed_in": True, "password_role": fields["Password"].getRoleName()}


def walk(node, depth=0, limit=12):
    if node is None or depth > limit:
        return
    yield node
    role = node.getRoleName()
    # Item rows of big lists are reached through the list itself, as a reader does.
    if role in ("tree", "tree table", "table", "list") and depth > 0:
        return
    for i in range(node.childCount):
        yield from walk(node.getChildAtIndex(i), depth + 1, limit)


def controls(frame):
    out = []
    for node in walk(frame):
        states = node.getState()
        if not (
            states.contains(pyatspi.STATE_FOCUSABLE) and states.contains(pyatspi.STATE_SHOWING)
        ):
            continue
        labels = []
        for relation in node.getRelationSet():
            if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
                labels += [relation.getTarget(i).name for i in range(relation.getNTargets())]
        out.append(
            {
                "role": node.getRoleName(),
                "name": node.name,
                "description": node.description,
                "labelled_by": labels,
            }
        )
    return out


def find(frame, role, predicate):
    for node in walk(frame, limit=20):
        if node.getRoleName() == role and predicate(node):
            return node
    return None


def join_room(frame, room_prefix):
    tree = find(frame, "tree", lambda n: n.name == "Rooms") or find(
        frame, "tree table", lambda n: n.name == "Rooms"
    )
    if tree is None:
        return {"joined": False, "why": "no Rooms tree"}
    # Find the room's row among the tree's children (cells), select it with its action.
    cell = None
    for i in range(tree.childCount):
        child = tree.getChildAtIndex(i)
        if child is not None and child.name.startswith(room_prefix):
            cell = child
            break
    if cell is None:
        names = [tree.getChildAtIndex(i).name for i in range(min(tree.childCount, 30))]
        return {"joined": False, "why": "room not in the tree", "children": names}
    action = cell.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    selected = False
    for i, n in enumerate(names):
        if n in ("toggle", "select", "Toggle", "Select"):
            action.doAction(i)
            selected = True
            break
    if not selected:
        tree.querySelection().selectChild(cell.getIndexInParent())
    time.sleep(0.5)
    button = find(frame, "push button", lambda n: n.name == "Join room")
    if button is None:
        return {"joined": False, "why": "no Join room button"}
    press = button.queryAction()
    press_names = [press.getName(i) for i in range(press.nActions)]
    press.doAction(0)
    return {"joined": True, "cell": cell.name, "cell_actions": names, "button_actions": press_names}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--app", default="Yoriai")
    p.add_argument("--room", default="会議室 3")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--sign-in", help="USER:PASSWORD to type into the sign-in window first")
    args = p.parse_args()
    report = {}
    if args.sign_in:
        _app, window = find_app(args.app, args.timeout, title="Sign in to Yoriai")
        report["sign_in_controls"] = controls(window)
        user, _, password = args.sign_in.partition(":")
        report["sign_in"] = sign_in(window, user, password)
    _app, frame = find_app(args.app, args.timeout)
    time.sleep(1.0)  # let the first snapshot fill the lists
    report.update(window=frame.name, controls=controls(frame))
    heard = []

    def on_announcement(event):
        heard.append(str(event.any_data))

    pyatspi.Registry.registerEventListener(on_announcement, "object:announcement")
    report["join"] = join_room(frame, args.room)
    # Listen a while for what the app announces (a screen reader speaks these).
    from gi.repository import GLib

    def done():
        pyatspi.Registry.stop()
        return False

    GLib.timeout_add(4000, done)
    pyatspi.Registry.start()
    report["announcements"] = heard
    print(json.dumps(report, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
