"""PolicyQA: cited, offline question answering over Chinese policy documents."""

__version__ = "0.1.0"
