"""mmengine.logging."""

__all__: list[str] = []
