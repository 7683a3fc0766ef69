"""Progress bars for the steps a user waits on, in Keras's ``verbose`` convention:
"auto" or 1 shows a `keras.utils.Progbar`, 2 one line when the step is done, 0 nothing
(as ``model.fit`` and ``model.predict`` do).

    for batch in progress(batches, count(batches), verbose=verbose, title="Reading ..."):
        ...
"""

import keras

VERBOSE = ("auto", 0, 1, 2)


def check_verbose(verbose) -> int:
    """``verbose`` as `keras.utils.Progbar` takes it: "auto" is 1, as in ``model.predict``."""
    if isinstance(verbose, (str, int)) and verbose in VERBOSE:
        return 1 if verbose == "auto" else int(verbose)
    raise ValueError(f"`verbose` must be one of {VERBOSE}. Received: verbose={verbose!r}")


def count(items) -> int | None:
    """How many items ``items`` yields (a `tf.data.Dataset`'s cardinality), None when unknown."""
    if hasattr(items, "cardinality"):  # before len(), which raises for an unknown cardinality
        n = int(items.cardinality())
        return n if n >= 0 else None
    return len(items) if hasattr(items, "__len__") else None


def progress(items, total=None, *, verbose="auto", title=None):
    """Yield ``items``, a bar counting one step after each is used; ``total`` is how many
    there are (None when unknown) and ``title`` a line printed above the bar."""
    verbose = check_verbose(verbose)
    if not verbose:
        yield from items
        return
    if title:
        print(title, flush=True)
    bar = keras.utils.Progbar(total, verbose=verbose)
    done = 0
    for item in items:
        yield item
        done += 1
        bar.update(done, finalize=False)  # finalized once below, with the elapsed time
    bar.update(done, finalize=True)
