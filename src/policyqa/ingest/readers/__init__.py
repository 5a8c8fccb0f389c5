"""Document readers: txt, md, docx, pdf (with optional OCR) and saved web pages to plain text.

``read_document(path)`` returns an ``Extracted`` whose ``text`` has one paragraph per line and
table rows as tab-separated cells; PDFs also give each page's span. Anything unreadable raises
``ReadError`` with a one-line message for the user.
"""

from .base import Extracted, ReadError
from .document import MAX_BYTES, SUPPORTED_SUFFIXES, read_document, sniff

__all__ = ["MAX_BYTES", "SUPPORTED_SUFFIXES", "Extracted", "ReadError", "read_document", "sniff"]
