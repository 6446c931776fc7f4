"""``xtcocotools.coco``: pycocotools' COCO reader (see the package docstring)."""

from pycocotools.coco import COCO

__all__ = ["COCO"]
