"""Captions: several phrasings of what a scene holds."""

import numpy as np

from .errors import SceneError
from .scene import Scene
from .words import NUMBER_WORDS, article, choose, join_and, object_words

# {objects}: the objects with their places; {things}: the objects without; {count}: a number word.
CAPTION_TEMPLATES = (
    "{objects}.",
    "an image with {objects}.",
    "a picture of {objects}.",
    "there {be} {count} {noun}: {things}.",
    "{count} {noun}: {objects}.",
    "{things}.",
)
EMPTY_CAPTIONS = ("an empty image.", "there is nothing in the image.")


def caption(scene: Scene, rng: np.random.Generator) -> str:
    """One caption of the scene, in a random phrasing; objects in random order, sizes sometimes left out."""
    if not isinstance(scene, Scene):
        raise SceneError(f"caption needs a Scene, got {type(scene).__name__}")
    if not scene.objects:
        return choose(rng, EMPTY_CAPTIONS)
    with_size = bool(rng.integers(2))
    order = [scene.objects[i] for i in rng.permutation(len(scene.objects))]
    count = len(order)
    return choose(rng, CAPTION_TEMPLATES).format(
        objects=join_and([article(object_words(o, size=with_size, cell=True)) for o in order]),
        things=join_and([article(object_words(o, size=with_size)) for o in order]),
        count=NUMBER_WORDS[count],
        be="is" if count == 1 else "are",
        noun="object" if count == 1 else "objects",
    )
