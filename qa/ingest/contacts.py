"""Contact blocks of press releases: "Tel: ...", "E-mail: ...", addresses, P.O. boxes.

A contact block is left out of a release's text; a sentence that merely starts with such a
label ("E-mail: applications close on 30 June ...") is not a contact line and stays.
"""

from __future__ import annotations

import re

# A contact line is a label and its values with little else: "Fax : (855) 23 216 141, 023 213 341".
# "E-mail: applications close on 30 June ..." has the label but is a sentence.
_CONTACT_LABEL = re.compile(
    r"^(?:tel(?:ephone)?|t[ée]l[ée]phone|t[ée]l|phone|fax|facsimile|e-?mail|courriel|web\s?site|url"
    r"|mobile|hotline|contact|(?P<address>address|adresse))(?:\s*(?:no|number)\.?)?\s*[:：]\s*", re.I)
_PO_BOX = re.compile(r"^p\.?\s*o\.?\s*box\s+\d", re.I)
_CONTACT_VALUE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|mailto:|www\.)[^\s<>]+|\+?\(?\d[\d()\s./–-]{5,}\d")
# Words allowed beside contact values: "+855 23 216 122 or 023 216 141", "ext. 12", a name.
_CONTACT_JOINERS = {"or", "and", "ext", "x"}
_MAX_CONTACT_WORDS = 3
_MAX_ADDRESS_WORDS = 12


def is_contact_block(block: list[str]) -> bool:
    """Only "Fax: ..."-style lines (and bare addresses or numbers beside them): never prose."""
    return (any(is_contact_line(line) for line in block)
            and all(is_contact_line(line) or _is_bare_contact_value(line) for line in block))


def is_contact_line(line: str) -> bool:
    """A label with contact values and little else, or a short address; not a sentence."""
    if _PO_BOX.match(line):
        return _is_short_address(line)
    label = _CONTACT_LABEL.match(line)
    if label is None:
        return False
    rest = line[label.end():]
    return _is_short_address(rest) if label.group("address") else _is_contact_values(rest)


def _is_contact_values(text: str) -> bool:
    """ "(855) 23 216 141, 023 213 341" or "Jane Doe, press@example.org"; not a sentence."""
    if not _CONTACT_VALUE.search(text):
        return False
    words = [word.strip("()<>[].,;:") for word in _CONTACT_VALUE.sub(" ", text).split()]
    others = [word for word in words if word and word.lower() not in _CONTACT_JOINERS]
    return len(others) <= _MAX_CONTACT_WORDS and not any(word[0].islower() for word in others)


def _is_short_address(text: str) -> bool:
    """ "No. 3A, Street 169, Phnom Penh 12000"; "the minister's speech at ..." is a sentence."""
    return (len(text.split()) <= _MAX_ADDRESS_WORDS and any(char.isdigit() for char in text)
            and not text[:1].islower() and not text.rstrip().endswith("."))


def _is_bare_contact_value(line: str) -> bool:
    return _CONTACT_VALUE.fullmatch(line.strip("<>.,;")) is not None
