"""mmengine.utils."""

__all__: list[str] = []
