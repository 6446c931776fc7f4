"""mmengine.analysis."""

__all__: list[str] = []
