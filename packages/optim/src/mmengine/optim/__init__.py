"""mmengine.optim."""

__all__: list[str] = []
