"""mmengine.structures."""

__all__: list[str] = []
