"""mmengine.hooks."""

__all__: list[str] = []
