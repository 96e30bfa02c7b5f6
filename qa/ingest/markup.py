"""Markdown and HTML markup of scraped releases to plain text, the words inside kept.

Releases arrive as pandoc-style Markdown or scraped HTML fragments: headings, emphasis,
links, images, inline and block tags. `strip_markdown` leaves the text a reader would see.
"""

from __future__ import annotations

import re

# Markdown hard line break: two trailing spaces (NBSP too, as scraped); the spaces go
# later with the strip of each line.
_HARD_BREAK = re.compile(r"(?<=[ \u00a0]{2})\n")

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE_TAG = re.compile(r"<img\b[^>]*>", re.I)
# Struck-out words are transcript corrections ("<s>Colombia's</s> [Cambodia's]").
_STRUCK = re.compile(r"<(s|del|strike)>.*?</\1>", re.S | re.I)
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_IMAGE = re.compile(r"!\[(?:\\.|[^\]\\])*\]\((?:[^()]|\([^()]*\))*\)")
_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\((?:[^()]|\([^()]*\))*\)")
_INLINE_TAG = re.compile(
    r"</?(?:sup|sub|span|u|b|i|em|strong|small|mark|font|a|abbr|cite|ins)\b[^>]*>", re.I)
# Block tags become paragraph breaks; the words inside (table cells, captions) stay.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|section|article|figure|figcaption|table|colgroup|col|thead|tbody|tfoot|tr|td|th"
    r"|blockquote|ul|ol|li|h[1-6])\b[^>]*>", re.I)
_HEADING = re.compile(r"^ {0,3}#{1,6} +(?=[^\n]*[^#\s])([^\n]+?)(?: +#+)? *$", re.M)
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$", re.M)
_STAR_BULLET = re.compile(r"^( *)[*+]( +)(?=\S)", re.M)
_EMPHASIS = re.compile(r"(?<!\\)\*+")


def strip_markdown(text: str) -> str:
    """Markup to plain text; escaped characters (`\\*`) survive for the unescape step.

    Hard line breaks (two trailing spaces or a final backslash) become paragraph breaks.
    Each step runs only when its marker occurs: most releases have little markup.

    Example:
        strip_markdown("Read the [fact sheet](https://example.gov) **now**.")  # "Read the fact sheet now."
    """
    text = _HARD_BREAK.sub("\n\n", text).replace("\\\n", "\n\n")
    if "<" in text:
        text = _IMAGE_TAG.sub("", _HTML_COMMENT.sub("", text))
        text = _AUTOLINK.sub(r"\1", _STRUCK.sub("", text))
        text = _BLOCK_TAG.sub("\n\n", _INLINE_TAG.sub("", text))
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    if "#" in text:
        text = _HEADING.sub(r"\n\n\1\n\n", text)
    if "*" in text or "+" in text or "--" in text or "__" in text or "- -" in text:
        text = _STAR_BULLET.sub(r"\1-\2", _RULE.sub("", text))
    if "*" in text:
        text = _EMPHASIS.sub("", text)
    return text
