"""PolicyQA: cited, offline question answering over Chinese policy documents."""

from .threads import configure as _configure_threads

# before any submodule imports faiss or the encoder, whose OpenMP runtimes read it once
_configure_threads()

__version__ = "0.1.0"
