"""``xtcocotools.cocoeval``: pycocotools' COCOeval, taking xtcocotools' extra arguments."""

import numpy as np
from pycocotools.cocoeval import COCOeval as _COCOeval

__all__ = ["COCOeval"]


class COCOeval(_COCOeval):
    """xtcocotools' signature: keypoint ``sigmas`` and ``use_area`` after ``iouType``.

    ``sigmas`` replaces pycocotools' 17 COCO keypoint sigmas; pycocotools always normalises
    OKS by the annotated area, so ``use_area=False`` is not supported.
    """

    def __init__(
        self,
        cocoGt=None,
        cocoDt=None,
        iouType="keypoints",
        sigmas=None,
        use_area=True,
    ):
        if not use_area:
            raise NotImplementedError("the xtcocotools stand-in always uses the area for OKS")
        super().__init__(cocoGt, cocoDt, iouType)
        if sigmas is not None:
            self.params.kpt_oks_sigmas = np.asarray(sigmas)
