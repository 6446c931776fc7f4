"""mmengine.hub (in progress)."""

__all__: list[str] = []
