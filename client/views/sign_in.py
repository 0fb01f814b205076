"""Sign-in: server URL, user name and password; the token is remembered if asked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class SignInWindow(QWidget):
    """A top-level window (not a modal dialog: the connection runs while it is up)."""

    submitted = Signal(str, str, str, bool)  # url, user, password, remember
    closed = Signal()

    def __init__(self, server_url: str, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signIn")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.server = QLineEdit(server_url)
        self.user = QLineEdit(user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox()
        self.remember.setChecked(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.error.hide()
        self.sign_in = QPushButton()
        self.sign_in.setDefault(True)
        self.sign_in.setAutoDefault(True)
        self.form = QFormLayout()
        self.server_label, self.user_label, self.password_label = QLabel(), QLabel(), QLabel()
        for label, field in (
            (self.server_label, self.server),
            (self.user_label, self.user),
            (self.password_label, self.password),
        ):
            label.setBuddy(field)
            self.form.addRow(label, field)
        self.form.addRow(self.remember)
        buttons = QDialogButtonBox()
        buttons.addButton(self.sign_in, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.sign_in.clicked.connect(self._submit)
        for field in (self.server, self.user, self.password):
            field.returnPressed.connect(self._submit)
        self.setTabOrder(self.server, self.user)
        self.setTabOrder(self.user, self.password)
        self.setTabOrder(self.password, self.remember)
        self.setTabOrder(self.remember, self.sign_in)
        self.retranslate()

    def retranslate(self) -> None:
        title = self.tr("Sign in to Yoriai")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.intro.setText(self.tr("Sign in to your office. Press Enter to sign in."))
        self.server_label.setText(self.tr("&Server:"))
        self.user_label.setText(self.tr("&User name:"))
        self.password_label.setText(self.tr("&Password:"))
        self.remember.setText(self.tr("&Remember me on this computer"))
        self.sign_in.setText(self.tr("&Sign in"))
        self.server.setAccessibleName(self.tr("Server"))
        self.server.setAccessibleDescription(
            self.tr("The office address, e.g. ws://127.0.0.1:8765")
        )
        self.user.setAccessibleName(self.tr("User name"))
        self.password.setAccessibleName(self.tr("Password"))
        self.remember.setAccessibleName(self.tr("Remember me on this computer"))
        self.remember.setAccessibleDescription(
            self.tr("Keeps you signed in, with the session kept in the system keyring")
        )
        self.sign_in.setAccessibleName(self.tr("Sign in"))
        self.error.setAccessibleName(self.tr("Sign-in error"))

    def focus_first_empty(self) -> None:
        for field in (self.server, self.user, self.password):
            if not field.text():
                field.setFocus()
                return
        self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        for w in (self.server, self.user, self.password, self.remember, self.sign_in):
            w.setEnabled(not busy)
        if busy:
            self.error.hide()

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.error.show()
        self.password.selectAll()
        self.focus_first_empty()

    def _submit(self) -> None:
        url, user, password = (
            self.server.text().strip(),
            self.user.text().strip(),
            self.password.text(),
        )
        if not url or not user or not password:
            self.show_error(self.tr("Enter the server, your user name and your password."))
            return
        self.set_busy(True)
        self.submitted.emit(url, user, password, self.remember.isChecked())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
