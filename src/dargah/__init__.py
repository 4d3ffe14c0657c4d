"""Dargah: the information exchange gateway of Iran's Ministry of Science (MSRT)."""

__version__ = "0.1.0"
