"""Test stand-in for ``xtcocotools`` (mmpose's fork of pycocotools), backed by pycocotools.

The xtcocotools wheels on PyPI are built against NumPy 1 and fail to import under NumPy 2
(``numpy.dtype size changed``). mmpose imports it at import time; the downstream suite only
needs its COCO annotation reader, which pycocotools provides with the same API. Not for users:
install xtcocotools built for your NumPy (see docs/zoos.md).
"""
