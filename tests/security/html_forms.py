"""Submitting a page's form as a browser does, for the security tests.

The page is read, the form holding a given input found, and its current values sent back
(checked boxes, selected options, text areas, the first submit button), with some changed.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client

# Inputs in which people type free text.
TEXT_INPUT_TYPES = {"text", "search"}


@dataclass
class PageForm:
    action: str
    values: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    text_inputs: list[str] = field(default_factory=list)  # text inputs and text areas
    pressed: bool = False

    def data(self) -> dict:
        """What a browser sends (a select with nothing selected sends nothing)."""
        return {
            name: values if len(values) > 1 else values[0]
            for name, values in self.values.items()
            if values
        }


class PageForms(HTMLParser):
    """The forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(PageForm(action=html.unescape(attrs.get("action") or "")))
            return
        if not self.forms:
            return
        form, name = self.forms[-1], attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "file":
                form.files.add(name)
            elif kind == "submit":
                self._press(name, attrs.get("value", ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form.values.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("button", "image", "reset"):
                form.values.setdefault(name, []).append(attrs.get("value") or "")
                if kind in TEXT_INPUT_TYPES and "readonly" not in attrs:
                    form.text_inputs.append(name)
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            self._press(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            form.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            form.values[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            form.values.setdefault(name, []).append("")
            form.text_inputs.append(name)

    def _press(self, name: str, value: str) -> None:
        """A browser sends the button that was pressed: the first one."""
        form = self.forms[-1]
        if not form.pressed:
            form.pressed = True
            form.values.setdefault(name, []).append(value)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea and self.forms:
            self.forms[-1].values[self._textarea][-1] += text


def page_form(client: Client, path: str, has: Callable[[PageForm], bool]) -> PageForm:
    """The form of the page at ``path`` for which ``has`` is true."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    parser = PageForms()
    parser.feed(page.content.decode())
    forms = [form for form in parser.forms if has(form)]
    assert forms, f"{path} has no such form"
    return forms[0]


def submit_with_file(client: Client, path: str, name: str, upload):
    """POST the form of ``path`` that has the file input ``name``, as it is, with ``upload``."""
    form = page_form(client, path, lambda form: name in form.files)
    return client.post(form.action or path, {**form.data(), name: upload})


def submit_with_text(client: Client, path: str, text: Callable[[str], str]):
    """POST the first form of ``path`` with free-text inputs, each holding ``text(name)``.

    Returns the answer and the names of the inputs filled in."""
    form = page_form(client, path, lambda form: bool(form.text_inputs))
    data = form.data()
    for name in form.text_inputs:
        data[name] = text(name)
    return client.post(form.action or path, data), form.text_inputs
