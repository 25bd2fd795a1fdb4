"""Settings: where lookups go (and the sign-in), the mailer, printing defaults, tracking thresholds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imb_tracker.actions.backend import MODES, check_sign_in, explain
from imb_tracker.actions.catalog import (
    clear_iv,
    get_mailer,
    list_pools,
    save_iv,
    set_workstation_range,
    sheet_templates,
    update_mailer,
)
from imb_tracker.errors import NotFoundError
from imb_tracker.imb import ImbError
from imb_tracker.store.errors import StoreError
from imb_tracker.usps.credentials import CredentialsError

from .context import AppContext
from .widgets import envelope_combo, error_text, ok_text, position_combo, stid_combo, stid_of


class SettingsPage(QWidget):
    message = Signal(str, int)
    saved = Signal()  # the settings were saved (the schedule reads its interval again)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        grid = QGridLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll)

        usps = QGroupBox("USPS lookups")
        f = QFormLayout(usps)
        self.mode = QComboBox()
        self.mode.setAccessibleName("Where lookups go")
        for key, label in MODES.items():
            self.mode.addItem(label, key)
        self.username = QLineEdit()
        self.username.setAccessibleName("BCG user name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("BCG password")
        self.password.setPlaceholderText("kept in the system keyring, never in a file")
        row = QHBoxLayout()
        self.save_login = QPushButton("Save sign-in")
        self.test_login = QPushButton("&Test connection")
        self.clear_login = QPushButton("Remove sign-in")
        for b in (self.save_login, self.test_login, self.clear_login):
            b.setAccessibleName(b.text().replace("&", ""))
            row.addWidget(b)
        self.login_result = QLabel()
        self.login_result.setWordWrap(True)
        self.login_result.setAccessibleName("Sign-in result")
        self.quota = QSpinBox()
        self.quota.setRange(10, 100_000)
        self.quota.setSuffix(" lookups per minute")
        self.quota.setAccessibleName("Lookup quota")
        f.addRow("&Lookups go to", self.mode)
        f.addRow("User name", self.username)
        f.addRow("Password", self.password)
        f.addRow(row)
        f.addRow(self.login_result)
        f.addRow("&Quota", self.quota)
        self.min_interval = QSpinBox()
        self.min_interval.setRange(0, 7 * 24 * 60)
        self.min_interval.setSuffix(" minutes before a letter is asked about again")
        self.min_interval.setAccessibleName("Minimum time between lookups of one letter")
        self.min_interval.setToolTip(
            "A refresh skips letters looked up this recently (the command line's refresh too)"
        )
        f.addRow("&Min. interval", self.min_interval)
        grid.addWidget(usps, 0, 0)

        mailer = QGroupBox("Mailer")
        f = QFormLayout(mailer)
        self.mid = QLabel()
        self.mid.setAccessibleName("Mailer ID")
        self.mailer_name = QLineEdit()
        self.mailer_name.setAccessibleName("Mailer name")
        self.crid = QLineEdit()
        self.crid.setAccessibleName("CRID")
        self.stid = stid_combo(self)
        self.window_days = QSpinBox()
        self.window_days.setRange(45, 365)
        self.window_days.setSuffix(" days")
        self.window_days.setAccessibleName("Uniqueness window")
        self.workstation = QLineEdit()
        self.workstation.setAccessibleName("Workstation name")
        self.workstation.setPlaceholderText("this computer's name (for per-workstation serial ranges)")
        f.addRow("Mailer ID", self.mid)
        f.addRow("&Name", self.mailer_name)
        f.addRow("CRID", self.crid)
        f.addRow("Service type", self.stid)
        f.addRow("Uniqueness window", self.window_days)
        f.addRow("Workstation", self.workstation)
        self.serial_range = QLineEdit()
        self.serial_range.setAccessibleName("This workstation's serial range")
        self.serial_range.setPlaceholderText("FIRST-LAST for this workstation (empty: the shared range)")
        self.serial_range.setToolTip("Give each computer that prints with this Mailer ID its own range")
        f.addRow("Serial range here", self.serial_range)
        grid.addWidget(mailer, 0, 1)

        printing = QGroupBox("Printing")
        f = QFormLayout(printing)
        self.template = envelope_combo("Default envelope", with_size=False)
        self.position = position_combo("Default barcode position")
        self.digits = QCheckBox("Print the barcode's digits")
        self.return_lines = QPlainTextEdit()
        self.return_lines.setAccessibleName("Return address")
        self.return_lines.setFixedHeight(80)
        self.endorsement = QLineEdit()
        self.endorsement.setAccessibleName("Endorsement line")
        self.endorsement.setPlaceholderText("e.g. ADDRESS SERVICE REQUESTED")
        self.feed = QComboBox()
        self.feed.setAccessibleName("Envelope feed")
        self.feed.addItem("As the driver sends it", "as-is")
        self.feed.addItem("Rotate a quarter turn (driver does not)", "rotate")
        self.offset_x = QDoubleSpinBox()
        self.offset_y = QDoubleSpinBox()
        for spin, name in ((self.offset_x, "Printer offset right"), (self.offset_y, "Printer offset up")):
            spin.setRange(-0.5, 0.5)
            spin.setDecimals(3)
            spin.setSingleStep(0.01)
            spin.setSuffix(" in")
            spin.setAccessibleName(name)
        self.labels = QComboBox()
        self.labels.setAccessibleName("Default label sheet")
        for sid, sheet in sheet_templates().items():
            self.labels.addItem(sheet.name, sid)
        f.addRow("Envelope", self.template)
        f.addRow("Barcode", self.position)
        f.addRow(self.digits)
        f.addRow("Return address", self.return_lines)
        f.addRow("Endorsement", self.endorsement)
        f.addRow("Envelope feed", self.feed)
        f.addRow("Offset right", self.offset_x)
        f.addRow("Offset up", self.offset_y)
        f.addRow("Labels", self.labels)
        grid.addWidget(printing, 1, 0)

        tracking = QGroupBox("Tracking")
        f = QFormLayout(tracking)
        self.stalled = QSpinBox()
        self.stalled.setRange(1, 30)
        self.stalled.setSuffix(" delivery days without a scan")
        self.stalled.setAccessibleName("Stalled after")
        self.stalled.setToolTip("Sundays and federal holidays do not count")
        f.addRow("Stalled after", self.stalled)
        self.every = QDoubleSpinBox()
        self.every.setRange(0, 168)
        self.every.setDecimals(0)
        self.every.setSuffix(" hours (0: off)")
        self.every.setAccessibleName("Refresh on its own every")
        self.every.setToolTip(
            "While the window is open, refresh this often and notify when letters turn late or stalled"
        )
        f.addRow("Refresh on its own every", self.every)
        self.entry_zip = QLineEdit()
        self.entry_zip.setMaxLength(5)
        self.entry_zip.setPlaceholderText("the return address's ZIP")
        self.entry_zip.setAccessibleName("Mail entered at ZIP Code")
        self.entry_zip.setToolTip("Where you take your mail: USPS service standards are per ZIP pair")
        f.addRow("Mail entered at ZIP", self.entry_zip)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Colours")
        for text, value in (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark")):
            self.theme.addItem(text, value)
        f.addRow("Colours", self.theme)
        paths = QLabel(f"Data: {ctx.paths.data}<br>Settings: {ctx.store.file.path}<br>Logs: {ctx.paths.logs}")
        paths.setToolTip("The settings file is shared with the command line: imb-tracker settings show")
        paths.setWordWrap(True)
        f.addRow(paths)
        grid.addWidget(tracking, 1, 1)
        self._grid, self._groups, self._columns = grid, [usps, mailer, printing, tracking], 2

        bottom = QHBoxLayout()
        self.apply_button = QPushButton("&Apply")
        self.apply_button.setAccessibleName("Apply settings")
        self.result = QLabel()
        self.result.setWordWrap(True)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.result, 1)
        outer.addLayout(bottom)
        self.apply_button.clicked.connect(self.apply)
        self.save_login.clicked.connect(self.save_credentials)
        self.test_login.clicked.connect(self.test_credentials)
        self.clear_login.clicked.connect(
            lambda: self.login_result.setText(
                "Removed the saved sign-in" if clear_iv() else "No saved sign-in"
            )
        )
        ctx.data_changed.connect(self.load)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Two columns of settings when there is room, one below 1,150 px (no sideways scrolling)."""
        super().resizeEvent(event)
        columns = 2 if event.size().width() >= 1150 else 1
        if columns != self._columns:
            self._columns = columns
            for group in self._groups:
                self._grid.removeWidget(group)
            for i, group in enumerate(self._groups):
                self._grid.addWidget(group, i // columns, i % columns)

    def load(self) -> None:
        s = self.ctx.settings
        self.mode.setCurrentIndex(max(self.mode.findData(s.usps_env), 0))
        self.quota.setValue(s.iv_quota_per_minute)
        self.min_interval.setValue(s.refresh_min_interval_minutes)
        self.template.setCurrentIndex(max(self.template.findData(s.envelope_template), 0))
        self.position.setCurrentIndex(max(self.position.findData(s.imb_position), 0))
        self.digits.setChecked(s.human_readable)
        self.return_lines.setPlainText("\n".join(s.return_address))
        self.endorsement.setText(s.endorsement)
        self.feed.setCurrentIndex(max(self.feed.findData(s.printer().feed), 0))
        self.offset_x.setValue(s.printer().offset_x)
        self.offset_y.setValue(s.printer().offset_y)
        self.labels.setCurrentIndex(max(self.labels.findData(s.label_layout), 0))
        self.stalled.setValue(s.stalled_days)
        self.every.setValue(s.scheduled_refresh_hours)
        self.entry_zip.setText(s.entry_zip)
        self.theme.setCurrentIndex(max(self.theme.findData(s.theme), 0))
        self.workstation.setText(s.workstation)
        mid = self.ctx.mailer_mid()
        if mid and self.ctx.db is not None:
            m = get_mailer(self.ctx.db, mid)
            self.mid.setText(m.mid)
            self.mailer_name.setText(m.name)
            self.crid.setText(m.crid or "")
            self.stid.setCurrentIndex(max(self.stid.findData(m.default_stid), 0))
            self.window_days.setValue(m.window_days)
            own = [
                p
                for p in list_pools(self.ctx.db, m.mid)
                if p.kind == "piece" and p.workstation == self.ctx.workstation
            ]
            self.serial_range.setText(f"{own[0].first_serial}-{own[0].last_serial}" if own else "")

    def apply(self) -> None:
        s = self.ctx.settings
        mode_changed = s.usps_env != self.mode.currentData()
        reopen = mode_changed or s.iv_quota_per_minute != self.quota.value()
        if reopen and self.ctx.tasks.running():
            self.result.setText(error_text("Lookups are running: wait for them or cancel them, then apply."))
            return
        entry = self.entry_zip.text().strip()
        if entry and not (len(entry) == 5 and entry.isdigit()):
            self.result.setText(error_text("Mail entered at ZIP: give a 5-digit ZIP Code, or leave it empty"))
            return
        try:
            if self.ctx.db is not None and self.mid.text():
                update_mailer(
                    self.ctx.db,
                    self.mid.text(),
                    name=self.mailer_name.text(),
                    crid=self.crid.text(),
                    stid=stid_of(self.stid),
                    window_days=self.window_days.value(),
                )
                wanted = self.serial_range.text().strip()
                workstation = self.workstation.text().strip() or self.ctx.workstation
                own = [
                    p
                    for p in list_pools(self.ctx.db, self.mid.text())
                    if p.kind == "piece" and p.workstation == workstation
                ]
                current = f"{own[0].first_serial}-{own[0].last_serial}" if own else ""
                if wanted and wanted.replace(" ", "") != current:
                    set_workstation_range(self.ctx.db, self.mid.text(), workstation, wanted)
        except (ImbError, StoreError, NotFoundError) as exc:
            self.result.setText(error_text(str(exc)))
            return
        s.usps_env = str(self.mode.currentData())
        s.iv_quota_per_minute = self.quota.value()
        s.refresh_min_interval_minutes = self.min_interval.value()
        s.envelope_template = str(self.template.currentData())
        s.imb_position = str(self.position.currentData())
        s.human_readable = self.digits.isChecked()
        s.return_address = [t.strip() for t in self.return_lines.toPlainText().splitlines() if t.strip()]
        s.endorsement = self.endorsement.text()
        s.with_printer(
            "",
            feed=str(self.feed.currentData()),
            offset_x=self.offset_x.value(),
            offset_y=self.offset_y.value(),
        )
        s.label_layout = str(self.labels.currentData())
        s.stalled_days = self.stalled.value()
        s.scheduled_refresh_hours = float(self.every.value())
        s.entry_zip = entry
        s.workstation = self.workstation.text().strip()
        if s.theme != self.theme.currentData():
            s.theme = str(self.theme.currentData())
            app = QApplication.instance()
            if isinstance(app, QApplication):
                from .main_window import apply_palette  # noqa: PLC0415

                apply_palette(app, s.theme)
        self.ctx.save_settings()
        self.saved.emit()
        if reopen:
            self.ctx.open()  # demo and real data live in different databases; the quota is the client's
        else:
            self.ctx.data_changed.emit()
        self.result.setText(
            ok_text("Saved." + (" Switched to: " + MODES.get(s.usps_env, s.usps_env) if mode_changed else ""))
        )

    def save_credentials(self) -> None:
        user, password = self.username.text().strip(), self.password.text()
        if not user or not password:
            self.login_result.setText(error_text("Type the user name and the password first."))
            return
        try:
            save_iv(user, password)
        except CredentialsError as exc:
            self.login_result.setText(error_text(str(exc)))
            return
        self.password.clear()
        self.login_result.setText(ok_text(f"Saved the sign-in for {user} in the system keyring."))

    def test_credentials(self) -> None:
        mode = str(self.mode.currentData())
        user, password = self.username.text().strip(), self.password.text()
        current = self.ctx.backend

        def work(_reporter: Any) -> str:
            return check_sign_in(mode, user, password, current)

        self.login_result.setText("Signing in …")
        self.ctx.tasks.run(
            work,
            on_done=lambda text: self.login_result.setText(ok_text(str(text))),
            on_error=lambda e: self.login_result.setText(error_text(explain(e))),
        )
