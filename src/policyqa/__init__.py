"""PolicyQA: cited, offline question answering over Chinese policy documents."""

from .runtime import configure_threads

configure_threads()  # before any module loads the encoder's or faiss's OpenMP runtime

__version__ = "0.1.0"
