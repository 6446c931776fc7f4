"""mmengine.visualization."""

__all__: list[str] = []
