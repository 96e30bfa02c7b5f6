"""Blocks of hard-wrapped lines to body paragraphs: one per paragraph or list item.

Wrapped lines are joined (without a space inside a word split at a line-end hyphen), each
list item becomes its own paragraph, and end markers, separators and a truncated copy of the
last words are left out.
"""

from __future__ import annotations

import re

_BULLET = re.compile(r"^(?:[-*+]\s+|[•·▪◦‣●■➢►]\s*)(?=\S)")
_NUMBERED = re.compile(r"^(?:\d{1,3}[.)]|(?:[a-z]|[ivx]{1,4})[.)]|\((?:\d{1,3}|[a-z]|[ivx]{1,4})\))\s+(?=\S)")
_END_MARKER = re.compile(r"^(?:#\s*){3}$|^-*\s*END\s*-*$|^-\s*30\s*-$")
_TRAILING_END_MARKER = re.compile(r"\s(?:#\s*){3}$")
# A word split at the line end: "Mekong-" + "Lancang" join without a space, as converters does;
# "small-" + "and medium-sized" and a cut-off word in a transcript ("provid-" + "— you know") keep it.
_LINE_END_HYPHEN = re.compile(r"[^\W\d_]-$")
_AFTER_SUSPENDED_HYPHEN = re.compile(r"^(?:and|or|nor|to|through)\b")


def body_paragraphs(blocks: list[list[str]]) -> list[str]:
    """The paragraphs of blocks of stripped lines, noise left out.

    Example:
        body_paragraphs([["The Ministers agreed to:", "- meet", "again."], ["###"]])
        # ["The Ministers agreed to:", "- meet again."]
    """
    return _drop_noise([paragraph for block in blocks for paragraph in _items(block)])


def with_words(paragraphs: list[str]) -> list[str]:
    """Only paragraphs with a letter or digit: "###" or "***" alone is no text."""
    return [paragraph for paragraph in paragraphs if any(char.isalnum() for char in paragraph)]


def _items(block: list[str]) -> list[str]:
    """Join a block's hard-wrapped lines into one paragraph, one per list item."""
    items: list[str] = []
    in_list = False
    for index, line in enumerate(block):
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        # A number at the start of a wrapped line ("...on May\n13. This") is only a list
        # item where a list can start: the block's first line, after a colon, or in a list.
        if numbered and not (index == 0 or in_list or block[index - 1].endswith(":")):
            numbered = None
        if bullet:
            items.append("- " + line[bullet.end():])
        elif numbered:
            items.append(" ".join(line.split(None, 1)))
        elif items:
            items[-1] += _line_joint(items[-1], line) + line
            continue
        else:
            items.append(line)
            continue
        in_list = True
    return items


def _line_joint(before: str, after: str) -> str:
    """What goes between two hard-wrapped lines: a space, or nothing inside a split word."""
    split_word = (_LINE_END_HYPHEN.search(before) and after[:1].isalnum()
                  and not _AFTER_SUSPENDED_HYPHEN.match(after))
    return "" if split_word else " "


def _drop_noise(paragraphs: list[str]) -> list[str]:
    """Leave out end markers, separators and a truncated copy of the last words."""
    paragraphs = [_TRAILING_END_MARKER.sub("", paragraph) for paragraph in paragraphs
                  if not _END_MARKER.match(paragraph)]
    # Separators such as "***" or "* * *" carry no words.
    paragraphs = with_words(paragraphs)
    if len(paragraphs) >= 2:
        tail, before = paragraphs[-1], paragraphs[-2]
        cut = len(before) - len(tail)
        # Only a fragment that starts mid-word: a repeated "Thank you." is real speech.
        if (len(tail) <= 200 and cut > 0 and before.endswith(tail)
                and tail[0].isalnum() and before[cut - 1].isalnum()):
            paragraphs = paragraphs[:-1]
    return paragraphs
