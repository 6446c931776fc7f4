"""mmengine.registry."""

__all__: list[str] = []
