"""Issue 15: no Alt+letter is bound twice on any window or page (Alt+N did Mailer name and Next).

The walk visits the main window with each page shown (its menus and toolbar count too), every page
of both wizards (with the wizard's own buttons), and the letter detail window.  Only what is
visible counts, as in Qt: a hidden widget's mnemonic does not fire.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenuBar,
    QTabBar,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from .test_gui_app import import_sample, make_window, set_up_demo

MNEMONIC = re.compile(r"&([^&\s])")


def _letters(text: str) -> list[str]:
    return [m.lower() for m in MNEMONIC.findall(text.replace("&&", ""))]


def mnemonics(root: QWidget, *extra: QWidget) -> dict[str, list[str]]:
    """Alt+letter → the visible texts that claim it, in ``root`` and the ``extra`` widgets."""
    found: dict[str, list[str]] = defaultdict(list)
    for top in (root, *extra):
        widgets = [top, *top.findChildren(QWidget)]
        for w in widgets:
            if not (w is top or w.isVisibleTo(top)) or not w.isVisible():
                continue
            texts: list[str] = []
            if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None):
                texts.append(w.text())
            elif isinstance(w, QGroupBox) and w.isCheckable():
                texts.append(w.title())
            elif isinstance(w, QMenuBar):
                texts.extend(a.text() for a in w.actions() if a.isVisible())
            elif isinstance(w, QTabBar):
                texts.extend(w.tabText(i) for i in range(w.count()))
            for text in texts:
                for letter in _letters(text):
                    found[letter].append(text)
    return found


def clashes(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: v for k, v in found.items() if len(set(v)) > 1 or len(v) > 1}


def wizard_pages(
    qtbot: QtBot,
    wizard: QWizard,
    where: str,
    problems: list[str],
    steps: int = 6,
    seen: list[str] | None = None,
) -> None:
    for _ in range(steps):
        page = wizard.currentPage()
        if seen is not None:
            seen.append(page.title())
        buttons = [
            wizard.button(b)
            for b in (
                QWizard.WizardButton.BackButton,
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.CancelButton,
            )
        ]
        found = mnemonics(page, *[b for b in buttons if b.isVisible()])
        for letter, texts in clashes(found).items():
            problems.append(f"{where} / {page.title()}: Alt+{letter.upper()} is {texts}")
        if not wizard.button(QWizard.WizardButton.NextButton).isVisible() or not page.isComplete():
            break
        wizard.next()


def test_no_mnemonic_is_bound_twice_anywhere(qtbot: QtBot, tmp_path: Path) -> None:
    problems: list[str] = []
    window = make_window(qtbot, tmp_path / "home")
    from imb_tracker.gui.wizard import FirstStartWizard

    first = FirstStartWizard(window.ctx, window)
    qtbot.addWidget(first)
    first.show()
    first.mode_page.real.setChecked(True)  # the longer way: every page
    first.mailer_page.name.setText("Acme Charity")
    first.mailer_page.mid.setText("123456")
    seen: list[str] = []
    wizard_pages(qtbot, first, "first-start wizard", problems, seen=seen)
    assert seen == ["Welcome to IMb Tracker", "Your mailer", "USPS sign-in", "Ready"]
    first.close()
    set_up_demo(qtbot, window)
    assert isinstance(window, QMainWindow)
    for index in range(window.stack.count()):
        window.go(index)
        page = window.stack.currentWidget()
        menubar, toolbar = window.menuBar(), window.findChildren(QWidget, "")[0]
        found = mnemonics(page, menubar)
        for letter, texts in clashes(found).items():
            problems.append(
                f"main window / page {index} ({page.accessibleName()}): Alt+{letter.upper()} is {texts}"
            )
        del toolbar
    wizard = window.import_list()  # owned by the window (deleted when it closes): not given to qtbot
    wizard.file_page.path.setText(str(Path(__file__).resolve().parents[1] / "resources/sample/demo_list.csv"))
    wizard.file_page.name.setText("Mnemonics")
    pages: list[str] = []
    wizard_pages(qtbot, wizard, "import wizard", problems, steps=2, seen=pages)
    assert pages == ["Choose the list", "Match the columns"]
    wizard.close()
    import_sample(qtbot, window, "Walk")
    window.go(0)
    qtbot.waitUntil(
        lambda: window.letters.model is not None and window.letters.model.rowCount() > 0, timeout=10_000
    )
    detail = window.open_piece(window.letters.model.imb_at(0))  # type: ignore[union-attr]
    for letter, texts in clashes(mnemonics(detail)).items():
        problems.append(f"letter detail: Alt+{letter.upper()} is {texts}")
    detail.close()
    assert problems == [], "\n".join(problems)
