"""mmengine.fileio."""

__all__: list[str] = []
