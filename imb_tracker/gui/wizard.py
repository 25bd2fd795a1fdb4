"""First start: demo mode or the user's USPS account, then the mailer, then (for USPS) the sign-in.

Every field is checked as it is typed, with the store's and the core's own
validation and their words.  Nothing is saved until Finish; everything can be
changed later in Settings.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from imb_tracker.actions import mailers
from imb_tracker.actions.backend import DEMO, check_sign_in, explain
from imb_tracker.actions.catalog import (
    ENV,
    clear_iv,
    keyring_problem,
    parse_range,
    remember_for_session,
    save_iv,
    serial_capacity,
    validate_crid,
)
from imb_tracker.actions.known_databases import warning_before_adding
from imb_tracker.imb import ImbError, stid_table
from imb_tracker.imb.fields import validate_mailer_id
from imb_tracker.store.errors import StoreError
from imb_tracker.usps.credentials import CredentialsError

from .context import AppContext
from .widgets import error_text, fill_stids, stid_combo, stid_explanation, stid_of, warning_text

log = logging.getLogger(__name__)

DEMO_MID = "123456"
PAGE_MODE, PAGE_MAILER, PAGE_SIGN_IN, PAGE_DONE = range(4)


class ModePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to IMb Tracker")
        self.setSubTitle("Print Intelligent Mail barcodes on your letters and follow them through USPS.")
        layout = QVBoxLayout(self)
        self.demo = QRadioButton("&Try it with demo data: a built-in USPS stand-in, no account needed")
        self.demo.setAccessibleName("Demo mode")
        self.real = QRadioButton("Use &my USPS account (Mailer ID and Business Customer Gateway sign-in)")
        self.real.setAccessibleName("Use my USPS account")
        self.demo.setChecked(True)
        layout.addWidget(self.demo)
        note = QLabel(
            "Demo mode keeps its data in a separate demo database and pretends time passes when you "
            "click <b>Demo: next day</b>, so you can watch letters move through the mail."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addSpacing(12)
        layout.addWidget(self.real)
        layout.addStretch(1)

    def nextId(self) -> int:
        return PAGE_MAILER


class MailerPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("Your mailer")
        self.setSubTitle("The Mailer ID (MID) USPS gave you goes into every barcode.")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setAccessibleName("Mailer name")
        self.mid = QLineEdit()
        self.mid.setAccessibleName("Mailer ID")
        self.mid.setPlaceholderText("6 digits starting 0-8, or 9 digits starting with 9")
        self.mid_message = QLabel()
        self.mid_message.setWordWrap(True)
        self.mid_message.setAccessibleName("Mailer ID check")
        self.crid = QLineEdit()
        self.crid.setAccessibleName("CRID")
        self.crid.setPlaceholderText("optional: your Customer Registration ID")
        self.stid = stid_combo(self)
        self.stid_message = QLabel()
        self.stid_message.setWordWrap(True)
        self.serials = QLineEdit()
        self.serials.setAccessibleName("Serial range")
        self.serials.setPlaceholderText("FIRST-LAST (empty: every serial)")
        self.window_days = QSpinBox()
        self.window_days.setRange(45, 365)
        self.window_days.setValue(90)
        self.window_days.setSuffix(" days")
        self.window_days.setAccessibleName("Uniqueness window")
        self.window_days.setToolTip(
            "No serial is used again within this many days (USPS asks for at least 45)"
        )
        form.addRow("Or&ganisation name", self.name)
        form.addRow("&Mailer ID", self.mid)
        form.addRow("", self.mid_message)
        form.addRow("&CRID", self.crid)
        self.all_stids = QCheckBox("Show a&ll service types")
        self.all_stids.setAccessibleName("Show all service types")
        self.all_stids.toggled.connect(lambda on: fill_stids(self.stid, stid_of(self.stid), on))
        self.stid_help = QLabel()
        self.stid_help.setWordWrap(True)
        self.stid_help.setAccessibleName("What the service type means")
        form.addRow("&Service type", self.stid)
        form.addRow("", self.all_stids)
        form.addRow("", self.stid_help)
        form.addRow("", self.stid_message)
        form.addRow("Serial &range", self.serials)
        form.addRow("&Uniqueness window", self.window_days)
        self.existing = QLabel()
        self.existing.setWordWrap(True)
        form.addRow(self.existing)
        for edit in (self.name, self.mid, self.serials, self.crid):
            edit.textChanged.connect(self._check)
        self.stid.currentIndexChanged.connect(self._check)

    def initializePage(self) -> None:
        wizard = self.wizard()
        demo = isinstance(wizard, FirstStartWizard) and wizard.mode_page.demo.isChecked()
        if demo and not self.mid.text():
            self.name.setText("Demo Mailer")
            self.mid.setText(DEMO_MID)
        self._check()

    def problem(self) -> str:
        """The first thing wrong with the form, in words ('' when it can be saved)."""
        if not self.name.text().strip():
            return "Type the mailer's name (your organisation)."
        try:
            mid = validate_mailer_id(self.mid.text().strip())
        except ImbError as exc:
            return str(exc)
        try:
            validate_crid(self.crid.text())
        except ImbError as exc:
            return str(exc)
        if self.serials.text().strip():
            try:
                parse_range(self.serials.text(), mid)
            except ImbError as exc:
                return str(exc)
        return ""

    def _check(self) -> None:
        text = self.mid.text().strip()
        mid_ok = False
        if text:
            try:
                mid = validate_mailer_id(text)
                self.mid_message.setText(
                    f"OK: {len(mid)}-digit Mailer ID, serials 1-{serial_capacity(mid):,}"
                )
                mid_ok = True
                wizard = self.wizard()
                demo = isinstance(wizard, FirstStartWizard) and wizard.mode_page.demo.isChecked()
                clash = "" if demo else warning_before_adding(self.ctx.paths, self.ctx.db_url, mid)
                if clash:
                    self.mid_message.setText(warning_text(clash))
            except ImbError as exc:
                self.mid_message.setText(error_text(str(exc)))
        else:
            self.mid_message.setText("")
        warnings = stid_table().warnings(stid_of(self.stid))
        self.stid_help.setText(stid_explanation(stid_of(self.stid)))
        self.stid_message.setText("<br>".join(warning_text(w) for w in warnings))
        problem = self.problem()
        show = problem and (mid_ok or not text or "Mailer ID" not in problem)
        self.existing.setText(error_text(problem) if show else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problem()

    def nextId(self) -> int:
        wizard = self.wizard()
        demo = isinstance(wizard, FirstStartWizard) and wizard.mode_page.demo.isChecked()
        return PAGE_DONE if demo else PAGE_SIGN_IN


class SignInPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle("USPS sign-in")
        self.setSubTitle("Your Business Customer Gateway user name and password, kept in the system keyring.")
        form = QFormLayout(self)
        self.environment = QComboBox()
        self.environment.setAccessibleName("USPS environment")
        self.environment.addItem("USPS production", "production")
        self.environment.addItem("USPS test environment (CAT)", "test")
        self.username = QLineEdit()
        self.username.setAccessibleName("BCG user name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("BCG password")
        row = QHBoxLayout()
        self.test_button = QPushButton("&Test connection")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.clicked.connect(self.test)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Connection test result")
        row.addWidget(self.test_button)
        row.addWidget(self.result, 1)
        form.addRow("&Environment", self.environment)
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        form.addRow(row)
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setAccessibleName("Where the password is kept")
        form.addRow(self.keyring_note)
        self.keep_keyring = QRadioButton("Keep the password in the system &keyring")
        self.keep_ask = QRadioButton(
            "&Ask for it at the first lookup each time the app starts (kept in memory only)"
        )
        self.keep_env = QRadioButton(
            f"Read the sign-in from the en&vironment variables {ENV['iv_username']} and {ENV['iv_password']}"
        )
        for button in (self.keep_keyring, self.keep_ask, self.keep_env):
            button.setAccessibleName(button.text().replace("&", ""))
            form.addRow(button)
        self.keyring_problem = keyring_problem()
        if self.keyring_problem:
            self.keep_keyring.setEnabled(False)
            self.keep_ask.setChecked(True)
            self.keyring_note.setText(
                warning_text(
                    f"The password cannot be kept safely on this computer: {self.keyring_problem}. "
                    "Choose how IMb Tracker should get it instead:"
                )
            )
        else:
            self.keep_keyring.setChecked(True)
            self.keyring_note.setText("Where should the password be kept?")
        note = QLabel(
            "Since April 2026 USPS gives Informed Visibility (IV) scan data only to Mailer IDs it has "
            "authorised for the account that signs in; a service provider also needs a signed agreement "
            "with each mailer. Ask your USPS Business Customer Gateway administrator to give the account "
            "IV access for your Mailer ID. "
            "<a href='https://postalpro.usps.com/informedvisibility'>About Informed Visibility (USPS)</a>. "
            "You can skip this page and add the sign-in later in Settings."
        )
        note.setWordWrap(True)
        note.setOpenExternalLinks(True)
        form.addRow(note)

    def storage(self) -> str:
        if self.keep_env.isChecked():
            return "environment"
        return "ask" if self.keep_ask.isChecked() else "keyring"

    def test(self) -> None:
        user, password, mode = (
            self.username.text().strip(),
            self.password.text(),
            self.environment.currentData(),
        )
        if not user or not password:
            self.result.setText(error_text("Type the user name and the password first."))
            return
        self.test_button.setEnabled(False)
        self.result.setText("Signing in …")

        def work(_reporter: Any) -> str:
            return check_sign_in(str(mode), user, password)

        def done(text: object) -> None:
            self.test_button.setEnabled(True)
            self.result.setText(f"<span style='color:#1b7f3b'>{text}</span>")

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            self.result.setText(error_text(explain(exc)))

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def nextId(self) -> int:
        return PAGE_DONE


class DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Ready")
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstStartWizard)
        demo = wizard.mode_page.demo.isChecked()
        m = wizard.mailer_page
        lines = [
            f"Mailer <b>{m.name.text().strip()}</b>, Mailer ID <b>{m.mid.text().strip()}</b>, "
            f"STID {stid_of(m.stid)}, uniqueness window {m.window_days.value()} days."
        ]
        if demo:
            lines.append(
                "Demo mode: lookups go to the built-in USPS stand-in. Next: <b>Import a list</b> "
                "(File menu; try the sample list), print envelopes, then <b>Look up</b>."
            )
        else:
            lines.append("Lookups go to USPS. Next: <b>Import a list</b> or write <b>One letter</b>.")
        self.summary.setText("<p>" + "</p><p>".join(lines) + "</p>")


class FirstStartWizard(QWizard):
    """Sets up the mailer and where lookups go; ``accept`` saves it all."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Set up IMb Tracker")
        self.setAccessibleName("First start wizard")
        self.mode_page = ModePage()
        self.mailer_page = MailerPage(ctx)
        self.sign_in_page = SignInPage(ctx)
        self.setPage(PAGE_MODE, self.mode_page)
        self.setPage(PAGE_MAILER, self.mailer_page)
        self.setPage(PAGE_SIGN_IN, self.sign_in_page)
        self.setPage(PAGE_DONE, DonePage())
        self.error = QLabel()
        self.resize(640, 480)

    def accept(self) -> None:
        try:
            self.apply()
        except (ImbError, StoreError, CredentialsError, ValueError) as exc:
            self.currentPage().setSubTitle(error_text(str(exc)))
            return
        super().accept()

    def apply(self) -> None:
        """Everything the pages show, or nothing: checked first, then saved; a failure undoes it all.

        The password is stored (or its storage checked) before the mailer is written, and a mailer
        that fails removes a password it just stored; the settings go back to how they were.
        """
        demo = self.mode_page.demo.isChecked()
        m, sign_in = self.mailer_page, self.sign_in_page
        mid = validate_mailer_id(m.mid.text().strip())
        problem = m.problem()
        if problem:
            raise ValueError(problem)
        user, password = sign_in.username.text().strip(), sign_in.password.text()
        storage = sign_in.storage()
        if not demo and user and password and storage == "keyring" and sign_in.keyring_problem:
            raise CredentialsError(
                f"the password cannot be kept in the keyring: {sign_in.keyring_problem}; choose "
                "'Ask for it' or the environment variables"
            )
        s = self.ctx.settings
        before = copy.deepcopy(s)
        stored_password = False
        try:
            s.usps_env = DEMO if demo else str(sign_in.environment.currentData())
            s.default_mailer = mid
            if demo and not s.return_address:
                s.return_address = ["DEMO MAILER", "PO BOX 100", "SPRINGFIELD IL 62704-0100"]
            if not demo:
                s.password_storage = storage
                s.iv_username = user or s.iv_username
            s.configured = True
            if not demo and user and password:
                if storage == "keyring":
                    save_iv(user, password)
                    stored_password = True
                elif storage == "ask":
                    remember_for_session(user, password)
            self.ctx.open()
            assert self.ctx.db is not None
            mailers.set_up(
                self.ctx.db,
                mid,
                m.name.text(),
                paths=None if demo else self.ctx.paths,
                crid=m.crid.text() or None,
                stid=stid_of(m.stid),
                serial_range=m.serials.text().strip() or None,
                window_days=m.window_days.value(),
            )
        except BaseException:
            if stored_password:
                clear_iv()
            for name in vars(before):  # back to how they were, in the object every page reads
                setattr(s, name, getattr(before, name))
            if self.ctx.db is not None or before.configured:
                self.ctx.open()  # back to the database (and mode) of before
            raise
        self.ctx.save_settings()
        self.ctx.data_changed.emit()
