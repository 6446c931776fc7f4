"""Exception classes that keep every class 0.10 raised for the same mistake.

0.10 often failed on bad input deep inside numpy, OpenCV or a third-party client, so the class
a user saw depended on where it broke (a CHW image was a ``TypeError`` from matplotlib, a 1-D one
an ``IndexError``; a dict passed as the config an ``AssertionError`` in one backend and an
``AttributeError`` in another). We check such input up front and raise one clear message; these
classes derive from each class 0.10 raised there, so ``except``/``pytest.raises`` written against
0.10 keep working.
"""

from __future__ import annotations


class ShapeError(AssertionError, TypeError, IndexError):
    """An image, boxes or masks of the wrong shape (0.10: AssertionError, TypeError from
    matplotlib or IndexError, depending on the shape)."""


class NotAnImageError(TypeError, AttributeError):
    """An image that is not an array at all, such as a path (0.10: AttributeError)."""


class NotAConfigError(TypeError, AssertionError, AttributeError):
    """``add_config`` given something other than a ``Config`` (0.10: AssertionError in
    LocalVisBackend, AttributeError in the others)."""


class NotADictError(TypeError, AttributeError):
    """A backend's ``init_kwargs`` that is not a dict (0.10: AttributeError on first use)."""


class MissingSaveDirError(ValueError, TypeError):
    """A backend that writes files used without a ``save_dir`` (0.10: TypeError)."""


class BadSizeError(ValueError, RuntimeError):
    """A size that is zero or negative (0.10: RuntimeError from torch)."""


class NoImageError(AssertionError, AttributeError):
    """Drawing or ``get_image`` before ``set_image`` (0.10: AttributeError, no ``_image``)."""
