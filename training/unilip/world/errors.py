"""Typed errors of the Shapes world: every bad input raises one of these, never a bare crash."""


class WorldError(ValueError):
    """Base class of every error the Shapes world raises."""


class SceneError(WorldError):
    """A scene, object or attribute value that the world does not allow."""


class SplitError(WorldError):
    """An unknown split, or data that breaks the held-out split."""


class ImageError(WorldError):
    """An image that is not uint8 (H, W, 3), or images that do not match."""


class EditError(WorldError):
    """An edit that cannot be made on the given scene (e.g. add to a full scene)."""


class PromptError(WorldError):
    """An unknown prompt category, or a prompt that cannot be built."""


class DetectionError(WorldError):
    """Detections that do not form a valid scene (e.g. two objects in one cell)."""
