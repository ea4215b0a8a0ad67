"""Text as XML can hold it: both writers' markup (reportlab's paragraph markup, OOXML, XMP) is XML.

Part of write. Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return;
lone surrogates; U+FFFE and U+FFFF) are dropped rather than crash a writer; they draw nothing anyway.
"""

from __future__ import annotations

import re

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return XML_INVALID.sub("", text)


__all__ = ["XML_INVALID", "xml_safe"]
