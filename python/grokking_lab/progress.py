"""Optional packages: progress for long work (a user callback, and a tqdm bar when tqdm is
installed) and pandas, imported when a DataFrame is first asked for, so `import grokking_lab` and
training work in any Python 3.11 (this machine's pyenv python3 has neither)."""
import sys

try:
    from tqdm.auto import tqdm as _tqdm
except ImportError:  # tqdm is optional: no bar, the callback still works
    _tqdm = None


class Progress:
    """progress=True: a bar (tqdm) if available; False: none. callback(**info) is called after each
    chunk with what the chunk reached (step, total, and the latest metrics or sizes)."""

    def __init__(self, total, unit, desc, progress=True, callback=None):
        self.callback = callback
        self.bar = None
        if progress and _tqdm is not None:
            self.bar = _tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, leave=True)
        self.done = 0

    def update(self, done, postfix=None, **info):
        if self.bar is not None:
            self.bar.update(done - self.done)
            if postfix:
                self.bar.set_postfix(postfix, refresh=False)
        self.done = done
        if self.callback is not None and info:  # the first update only places the bar
            self.callback(**info)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def pandas():
    """The pandas module, or an ImportError that says where to get it."""
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError("grokking_lab needs pandas for DataFrames (metrics, sweep rows): Debian's "
                          "python3-pandas with /usr/bin/python3, or pip install pandas") from e
    return pd
