"""deanon: how many people in an "anonymized" sparse data release can be re-identified.

The engine of the ``deanon`` command line (Narayanan & Shmatikov, "Robust De-anonymization of
Large Sparse Datasets", IEEE S&P 2008), on pandas data, with no files in between. Every call
gives the same answers as the command with the same inputs and seeds, whatever ``threads`` is.

>>> import deanon
>>> ds = deanon.generate("netflix-like", users=2000, seed=1)
>>> released, key = ds.release("pseudonymize|sample:fraction=0.5", seed=1)
>>> aux = deanon.sample_aux(ds, targets=200, items=4, key=key, seed=2)
>>> matches, summary = deanon.attack(released, aux, key=key)
>>> round(summary["recall"], 2)  # re-identified: matched and correct  # doctest: +SKIP
0.5

Long calls release the GIL and stop at Ctrl-C (between batches); ``threads`` (default: all
cores) sizes the thread pool. Errors are :class:`DeanonError`, a ``ValueError`` carrying the
engine's message (naming the row, file or parameter).
"""

# Only the API is public: modules and helpers go by private names, so that
# ``[n for n in dir(deanon) if not n.startswith("_")]`` is ``__all__``'s public names.
import functools as _functools
import os as _os
import tempfile as _tempfile
import typing as _t
import warnings as _warnings
from pathlib import Path as _Path

import numpy as _np
import pandas as _pd

from . import _frames
from . import _native
from ._native import DeanonError, __version__

__all__ = [
    "Dataset",
    "DeanonError",
    "attack",
    "audit",
    "cohort",
    "experiment",
    "generate",
    "infer",
    "sample_aux",
    "sparsity",
    "unicity",
    "__version__",
]

_PathLike = _t.Union[str, _os.PathLike]

#: The library's defaults of the parameters left out (``None``), by function: those of the
#: command line's flags.
_DEFAULTS: _t.Dict[str, _t.Dict[str, _t.Any]] = _native.defaults()


def _document(table: _t.Optional[str], extra: _t.Sequence[str] = ()):
    """Appends to the docstring the library's defaults of ``table`` (what a parameter left out,
    ``None``, means) and the paragraphs ``extra``, indented as the docstring."""
    import textwrap as _textwrap

    def document(function):
        doc = (function.__doc__ or "").rstrip()
        lines = [line for line in doc.splitlines()[1:] if line.strip()]
        pad = min((line[: len(line) - len(line.lstrip())] for line in lines), key=len, default="")
        paragraphs = list(extra)
        if table is not None:
            # No line break inside a value (a list's repr has spaces).
            values = ", ".join(
                f"``{k}={v!r}``".replace(" ", "\u00a0") for k, v in _DEFAULTS[table].items()
            )
            paragraphs.insert(
                0,
                "Left out (``None``), a parameter takes the library's default, the command "
                f"line's: {values}.",
            )
        for text in paragraphs:
            hang = "  " if text.startswith("- ") else ""
            body = _textwrap.fill(text, 96, initial_indent=pad, subsequent_indent=pad + hang)
            body = body.replace("\u00a0", " ")
            doc = f"{doc}\n\n{body}"
        function.__doc__ = f"{doc}\n{pad}"
        return function

    return document


def _renamed(**renames: _t.Optional[_t.Tuple[str, str]]):
    """Keeps the keywords of an earlier release working for one more: each old name in
    ``renames`` is taken as its new name, the command line's (``(new, "--flag")``), with a
    DeprecationWarning; an old name mapped to ``None`` changed nothing and is dropped, with the
    warning."""

    def wrap(function):
        @_functools.wraps(function)
        def call(*args, **kwargs):
            for old, new in renames.items():
                if old not in kwargs:
                    continue
                value = kwargs.pop(old)
                name = f"{function.__name__}()"
                if new is None:
                    why = f"{old}= changes nothing"
                elif new[0] in kwargs:
                    raise TypeError(
                        f"{name} got {old}= and {new[0]}=: {old}= is the old name of {new[0]}="
                    )
                else:
                    kwargs[new[0]] = value
                    why = f"{old}= is now {new[0]}= (the command line's {new[1]})"
                _warnings.warn(
                    f"{name}: {why}; {old}= will stop working in the next release",
                    DeprecationWarning,
                    stacklevel=2,
                )
            return function(*args, **kwargs)

        return call

    return wrap


def _policy_text(policy) -> str:
    """A policy as the engine takes it: a spec, or the path of a ``.toml`` file (a str or a
    path-like)."""
    if isinstance(policy, (str, _os.PathLike)):
        return _os.fspath(policy)
    raise TypeError(
        f"a policy is a spec or the path of a .toml file (str or path-like), got {type(policy).__name__}"
    )


def _policy_list(policies) -> _t.List[str]:
    """Policies as the engine takes them: one policy (a spec or a file, never read as a list of
    its characters) or an iterable of them."""
    if isinstance(policies, (str, _os.PathLike)):
        return [_policy_text(policies)]
    return [_policy_text(p) for p in policies]


# pandas before 3.0 parses floats to the nearest value only when asked; 3.0 always does.
_EXACT = {} if int(_pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _read_csv(source) -> _pd.DataFrame:
    """A CSV written by the engine, floats read back bit for bit."""
    return _pd.read_csv(source, **_EXACT)


class Dataset:
    """A data set in the engine's layout: people (records), items, and their entries.

    Make one with :meth:`from_pandas`, :meth:`open` (a ``.deanon`` store, memory-mapped) or
    :func:`generate`.

    >>> import pandas as pd, deanon
    >>> df = pd.DataFrame({"user": [1, 1, 2], "item": ["a", "b", "a"], "rating": [4, 3.5, 5]})
    >>> deanon.Dataset.from_pandas(df).num_entries
    3
    """

    def __init__(self, native: "_native.NativeDataset") -> None:
        self._native = native

    @classmethod
    @_document("from_pandas")
    def from_pandas(
        cls,
        df: _pd.DataFrame,
        kind: _t.Optional[str] = None,
        threads: _t.Optional[int] = None,
        people: _t.Optional[_pd.DataFrame] = None,
        items: _t.Optional[_t.Sequence] = None,
        rating_scale: _t.Optional[str] = None,
    ) -> "Dataset":
        """A data set from a DataFrame with columns ``user``, ``item`` and optionally
        ``rating`` (stars) and ``date``; other columns are ignored.

        ``people`` adds people's attributes: a DataFrame with a ``user`` column and one column
        per attribute (missing values allowed); a person with attributes and no entries is a
        record with no entries.

        ``items`` declares the public item catalogue (every item id that exists, held or not)
        and ``rating_scale`` the rating scale in stars (``"1..5:1"``), as ``deanon import
        --items --rating-scale`` do; the ``dp`` release step needs both.

        ``kind`` is ``"ratings"`` (one entry per user and item) or ``"views"`` (a log: an item
        may recur). Values are checked as ``deanon import`` checks a CSV file; an error names
        the row (counted from 0, as ``df.iloc``).

        >>> import pandas as pd, deanon
        >>> df = pd.DataFrame({"user": ["u1", "u2"], "item": [10, 20],
        ...                    "date": pd.to_datetime(["2005-01-02", "2005-03-04"])})
        >>> deanon.Dataset.from_pandas(df).num_records
        2
        """
        _frames.require(df, ["user", "item"], "the data")
        native = _native.from_columns(
            kind,
            dict(
                user=_frames.ids(df["user"]),
                item=_frames.ids(df["item"]),
                rating=_frames.optional(df, "rating", _frames.ratings),
                date=_frames.optional(df, "date", _frames.dates),
            ),
            threads=threads,
            people=None if people is None else _frames.people(people),
            items=None if items is None else [str(i) for i in items],
            rating_scale=rating_scale,
        )
        return cls(native)

    @classmethod
    def open(cls, path: _PathLike) -> "Dataset":
        """Opens a ``.deanon`` store (made by ``deanon import``/``generate`` or :meth:`save`).

        >>> ds = deanon.Dataset.open("ml100k.deanon")  # doctest: +SKIP
        """
        return cls(_native.open(_Path(path)))

    def save(self, path: _PathLike) -> None:
        """Saves the data set as a ``.deanon`` store, which the command line reads.

        >>> deanon.generate("movielens-like", users=100).save("small.deanon")  # doctest: +SKIP
        """
        self._native.save(_Path(path))

    def people(self) -> _t.Optional[_pd.DataFrame]:
        """The people table as a DataFrame ``user, <attribute>, ...`` (one row per record,
        numeric attributes as nullable integers, a missing or suppressed value as missing), or
        ``None`` when the data set has none.

        >>> deanon.generate("movielens-like", users=100).people().columns.tolist()  # doctest: +SKIP
        ['user', 'age', 'gender', 'region']
        """
        table = self._native.people()
        return None if table is None else _frames.people_frame(table)

    def to_pandas(self) -> _pd.DataFrame:
        """The entries as a DataFrame ``user, item[, rating][, date]``, in the order of
        ``deanon export`` (person, then item, then day). Ids are int64 when every id of that
        column is a whole number, else ``str``; ratings are float stars; dates datetime64.

        >>> deanon.generate("views-like", users=50).to_pandas().columns.tolist()  # doctest: +SKIP
        ['user', 'item', 'date']
        """
        cols = self._native.columns()
        out = {
            "user": _frames.id_values(cols["user"]),
            "item": _frames.id_values(cols["item"]),
        }
        if "rating" in cols:
            out["rating"] = cols["rating"]
        if "date" in cols:
            out["date"] = _frames.days_to_datetimes(cols["date"])
        return _pd.DataFrame(out)

    def info(self) -> _t.Dict[str, _t.Any]:
        """The description ``deanon info --json`` prints (sizes, sparsity, rating scale, dates).

        >>> deanon.generate("netflix-like", users=500).info()["records"]  # doctest: +SKIP
        500
        """
        return self._native.info()

    @_document("release")
    def release(
        self,
        policy: _t.Union[str, _os.PathLike],
        seed: _t.Optional[int] = None,
        threads: _t.Optional[int] = None,
    ) -> _t.Tuple["Dataset", _pd.DataFrame]:
        """Applies a release policy (``deanon release --policy``: a spec, or the path of a
        ``.toml`` file of ``[[step]]`` tables): the released data set and its key, a DataFrame
        ``released_id, original_id`` (it names people: keep it private).

        >>> released, key = ds.release("pseudonymize|date-noise:days=7", seed=1)  # doctest: +SKIP
        """
        native, (released, original) = self._native.release(
            _policy_text(policy), seed=seed, threads=threads
        )
        key = _pd.DataFrame({"released_id": released, "original_id": original}, dtype=object)
        return Dataset(native), key

    @_document("utility")
    def utility(
        self,
        policy: _t.Union[str, _os.PathLike],
        seed: _t.Optional[int] = None,
        threads: _t.Optional[int] = None,
    ) -> _t.Dict[str, _t.Any]:
        """What a policy costs (``deanon release --utility``), as a dict.

        >>> ds.utility("pseudonymize|sample:fraction=0.5")["rmse_cost"]  # doctest: +SKIP
        """
        return self._native.utility(_policy_text(policy), seed=seed, threads=threads)

    def fingerprint(self) -> str:
        """A checksum of the content: equal fingerprints, equal data sets.

        >>> deanon.Dataset.from_pandas(ds.to_pandas()).fingerprint() == ds.fingerprint()  # doctest: +SKIP
        True
        """
        return self._native.fingerprint()

    @property
    def num_records(self) -> int:
        """People (records)."""
        return self._native.num_records

    @property
    def num_items(self) -> int:
        """Items."""
        return self._native.num_items

    @property
    def num_entries(self) -> int:
        """Entries (ratings or events)."""
        return self._native.num_entries

    @property
    def kind(self) -> str:
        """``"ratings"`` or ``"views"``."""
        return self._native.kind

    @property
    def path(self) -> _t.Optional[_Path]:
        """The store this data set was opened from, if any."""
        path = self._native.path
        return None if path is None else _Path(path)

    def __repr__(self) -> str:
        return (
            f"<deanon.Dataset {self.kind}: {self.num_records:,} records, "
            f"{self.num_items:,} items, {self.num_entries:,} entries>"
        )


@_document("generate")
def generate(
    preset: str,
    users: _t.Optional[int] = None,
    seed: _t.Optional[int] = None,
    threads: _t.Optional[int] = None,
) -> Dataset:
    """A synthetic data set (``deanon generate``): ``netflix-like`` (the calibrated twin of
    the Netflix Prize data), ``movielens-like`` or ``views-like``; ``users`` defaults to the
    preset's size.

    >>> deanon.generate("netflix-like", users=1000, seed=7).num_records
    1000
    """
    return Dataset(_native.generate(preset, users=users, seed=seed, threads=threads))


def _key_pairs(key: _t.Optional[_pd.DataFrame]):
    return _frames.pairs(key, "released_id", "original_id", "the release key")


def _float(value) -> _t.Optional[float]:
    return None if value is None else float(value)


@_document("sample_aux")
def sample_aux(
    ds: Dataset,
    targets: _t.Optional[int] = None,
    items: _t.Optional[int] = None,
    wrong: _t.Optional[int] = None,
    rating_error: _t.Optional[float] = None,
    date_error: _t.Optional[int] = None,
    dates: bool = True,
    ratings: bool = True,
    select: _t.Optional[str] = None,
    key: _t.Optional[_pd.DataFrame] = None,
    non_members: _t.Optional[int] = None,
    count_error: _t.Optional[float] = None,
    seed: _t.Optional[int] = None,
    threads: _t.Optional[int] = None,
    attributes: _t.Optional[_t.Sequence[str]] = None,
    attribute_error: _t.Optional[_t.Mapping[str, int]] = None,
) -> _pd.DataFrame:
    """What an adversary knows (``deanon aux``): ``items`` facts about each of ``targets``
    people of the original data ``ds`` (members of the release when ``key`` is given, plus
    ``non_members`` people it left out), ``wrong`` of them false, ratings off by up to
    ``rating_error`` stars and dates by up to ``date_error`` days; ``select`` is ``uniform``
    or ``rare:TOP``. The same records as the command with the same seed: a DataFrame
    ``aux_id, item, rating, date, true_user`` (and ``count`` with ``count_error``). With
    ``attributes`` (names of the people table's columns) the adversary also knows those, one
    column each, repeated on every row of a record (``items=0``: attributes only, one row with
    no item); ``attribute_error`` (``{"age": 2}``) knows a numeric one within +-E, as a range.

    >>> aux = deanon.sample_aux(ds, targets=100, items=4, seed=1)  # doctest: +SKIP
    """
    cols, skipped = _native.sample_aux(
        ds._native,
        targets=targets,
        items=items,
        wrong=wrong,
        rating_error=_float(rating_error),
        date_error=date_error,
        dates=dates,
        ratings=ratings,
        select=select,
        key=_key_pairs(key),
        non_members=non_members,
        count_error=_float(count_error),
        seed=seed,
        threads=threads,
        attributes=None if attributes is None else list(attributes),
        attribute_error=None if attribute_error is None else list(dict(attribute_error).items()),
    )
    if skipped:
        facts = _DEFAULTS["sample_aux"]["items"] if items is None else items
        _warnings.warn(
            f"skipped {skipped} targets with fewer than {facts} usable facts", stacklevel=2
        )
    out = {
        "aux_id": cols["aux_id"],
        "item": cols["item"],
        "rating": cols["rating"],
        "date": _frames.days_to_datetimes(cols["date"]),
    }
    if "true_user" in cols:
        out["true_user"] = cols["true_user"]
    if "count" in cols:
        out["count"] = cols["count"]
    for name in cols["attributes"]:
        out[name] = _pd.Series(cols[name], dtype=object)
    return _pd.DataFrame(out)


#: The aux table's own columns; every other column is an attribute the adversary knows.
_AUX_COLUMNS = ("aux_id", "item", "rating", "date", "true_user", "count")


def _aux_columns(aux: _pd.DataFrame) -> _t.Dict[str, _t.Any]:
    """The aux table's columns as the native attack takes them."""
    count = None
    if "count" in aux.columns:
        count = _np.ascontiguousarray(_pd.to_numeric(aux["count"]).to_numpy(), dtype=_np.float64)
    return dict(
        aux_id=_frames.ids(aux["aux_id"]),
        item=_frames.ids(aux["item"]),
        rating=_frames.optional(aux, "rating", _frames.ratings),
        date=_frames.optional(aux, "date", _frames.dates),
        true_user=_frames.optional(aux, "true_user", _frames.ids),
        count=count,
        attributes=[
            (str(c), _frames._values_as_text(aux[c])) for c in aux.columns if c not in _AUX_COLUMNS
        ],
    )


def _attack_parameters() -> _t.List[str]:
    """The docstring's paragraphs on the attack parameters, from the library's registry."""
    lines = [
        "Attack parameters (keyword arguments, by the names of ``deanon attack``'s flags; "
        "each at its default when left out):"
    ]
    for name, default, help_, algorithms in _native.attack_parameters():
        lines.append(f"- ``{name}`` (default ``{default!r}``): {help_} ({', '.join(algorithms)}).")
    return lines


@_renamed(resamples=("bootstrap", "--bootstrap"))
@_document("attack", _attack_parameters())
def attack(
    release: Dataset,
    aux: _pd.DataFrame,
    key: _t.Optional[_pd.DataFrame] = None,
    algorithm: _t.Optional[str] = None,
    item_map: _t.Optional[_pd.DataFrame] = None,
    bootstrap: _t.Optional[int] = None,
    informed: bool = False,
    threads: _t.Optional[int] = None,
    **parameters: float,
) -> _t.Tuple[_pd.DataFrame, _t.Dict[str, _t.Any]]:
    """Links each aux record to the release (``deanon attack``): ``(matches, summary)``.

    ``matches`` has MATCHES.csv's columns and values (``aux_id, candidate, score, runner_up,
    eccentricity, matched, entropy_bits, top_probability[, true_user, correct], candidates,
    facts_used, sigma[, posterior]``, ``posterior`` for the likelihood algorithm; blanks are
    NaN/None); ``summary`` is the summary JSON as a dict
    (``recall``: the re-identification rate, matched and correct; ``precision``,
    ``top1_rate``, ``false_match_rate``, their 95% Wilson score intervals, ...). With ``key`` candidates
    are original ids. ``item_map`` (``aux_item, release_item``) links another catalogue.
    Columns of ``aux`` other than its own are attributes the adversary knows (as
    :func:`sample_aux` writes them). ``informed=True`` is the adversary who knows the release's published policy (recorded in
    the release): the aux facts are mapped into the release's representation and rho0, d0 and
    the tolerances widened by the policy's noise (``deanon attack --informed``). ``bootstrap``
    is ``--bootstrap``, which only :func:`infer` reads (the rates' intervals need no
    resampling). The other keyword arguments are the algorithms' parameters (listed
    below); an unknown one is an error naming it.

    >>> matches, summary = deanon.attack(released, aux, key=key, phi=1.5)  # doctest: +SKIP
    >>> summary["recall"]  # doctest: +SKIP
    """
    _frames.require(aux, ["aux_id", "item"], "the aux table")
    cols, summary, warnings = _native.attack(
        release._native,
        _aux_columns(aux),
        parameters=parameters,
        threads=threads,
        key=_key_pairs(key),
        item_map=_frames.pairs(item_map, "aux_item", "release_item", "the item map"),
        algorithm=algorithm,
        bootstrap=bootstrap,
        informed=informed,
    )
    for w in warnings:
        _warnings.warn(w, stacklevel=3)
    return _pd.DataFrame(cols), summary


@_renamed(resamples=("bootstrap", "--bootstrap"))
@_document("infer", _attack_parameters())
def infer(
    release: Dataset,
    original: Dataset,
    aux: _pd.DataFrame,
    key: _pd.DataFrame,
    sensitive_items: _t.Optional[_t.Sequence[str]] = None,
    sensitive_attribute: _t.Optional[str] = None,
    algorithm: _t.Optional[str] = None,
    bootstrap: _t.Optional[int] = None,
    informed: bool = False,
    threads: _t.Optional[int] = None,
    **parameters: float,
) -> _t.Dict[str, _t.Any]:
    """What linking reveals, against a control (``deanon infer``): INFER.json as a dict.

    ``aux`` must hold members and non-members of the release with their ``true_user``
    (:func:`sample_aux` with ``key=`` and ``non_members=``); ``key`` is the release key and
    ``original`` the data the release was made from. The secret is ``sensitive_items`` (item
    ids: whether the target holds any of them beyond the items the adversary knew) or
    ``sensitive_attribute`` (a people-table attribute: the target's value). Each aux record is
    linked as :func:`attack` links it (same ``algorithm``, ``informed`` and parameters) and the
    secret read off the linked record. The dict holds ``members``, ``non_members``,
    ``baseline_accuracy``, ``main_accuracy``, ``control_accuracy``, ``risk`` = (main - control)
    / (1 - control) and ``risk_ci`` (a 95% bootstrap interval of ``bootstrap`` resamples), the
    same over named matches (``named``), what else is
    learned (``learned``) and the attack's summary (``attack``).

    >>> report = deanon.infer(released, original, aux, key, sensitive_items=["1", "2"])  # doctest: +SKIP
    >>> report["risk"]  # doctest: +SKIP
    """
    _frames.require(aux, ["aux_id", "item", "true_user"], "the aux table")
    pairs = _key_pairs(key)
    if pairs is None:
        raise DeanonError("infer needs the release key (key=)")
    report, warnings = _native.infer(
        release._native,
        original._native,
        _aux_columns(aux),
        parameters=parameters,
        threads=threads,
        key=pairs,
        sensitive_items=None if sensitive_items is None else [str(i) for i in sensitive_items],
        sensitive_attribute=sensitive_attribute,
        algorithm=algorithm,
        bootstrap=bootstrap,
        informed=informed,
    )
    for w in warnings:
        _warnings.warn(w, stacklevel=3)
    return report


@_renamed(resamples=None)
@_document("unicity")
def unicity(
    ds: Dataset,
    points: _t.Optional[_t.Sequence[int]] = None,
    knowledge: _t.Optional[_t.Sequence[str]] = None,
    date_tol: _t.Optional[int] = None,
    sample: _t.Optional[int] = None,
    draws: _t.Optional[int] = None,
    seed: _t.Optional[int] = None,
    threads: _t.Optional[int] = None,
    attributes: _t.Optional[_t.Sequence[str]] = None,
) -> _pd.DataFrame:
    """Unicity (``deanon unicity``; de Montjoye et al. 2013): the share of draws of ``points``
    of a person's data that no one else's record holds, for each kind of ``knowledge``
    (``items``, ``items+ratings``, ``items+days``, ``items+ratings+days``; None: every kind the
    data holds), dates matched within ``date_tol`` days, over ``sample`` people (None:
    everyone). With ``attributes`` (names of the people table's columns) the adversary also
    knows those, and points 0 means the attributes alone. The command's columns;
    ``unicity_lo``, ``unicity_hi``: the 95% Wilson score interval over people.

    >>> deanon.unicity(ds, points=[2, 4], sample=500)  # doctest: +SKIP
    """
    out = _pd.DataFrame(
        _native.unicity(
            ds._native,
            points=None if points is None else list(points),
            knowledge=None if knowledge is None else list(knowledge),
            date_tol=date_tol,
            sample=sample,
            draws=draws,
            seed=seed,
            threads=threads,
            attributes=None if attributes is None else list(attributes),
        )
    )
    if not attributes:
        # As pandas reads the command's CSV, whose attributes column is then blank.
        out["attributes"] = _np.nan
    return out


@_document("sparsity")
def sparsity(
    ds: Dataset,
    sample: _t.Optional[int] = None,
    seed: _t.Optional[int] = None,
    threads: _t.Optional[int] = None,
) -> _pd.DataFrame:
    """The sparsity curve (``deanon sparsity``; paper Fig. 1): for x = 0.00 .. 1.00, the share
    of ``sample`` people whose nearest neighbour's similarity is at least x
    (``x, items_only, exact_ratings``).

    >>> deanon.sparsity(ds, sample=500).head()  # doctest: +SKIP
    """
    return _pd.DataFrame(_native.sparsity(ds._native, sample=sample, seed=seed, threads=threads))


@_renamed(config_path=("config", "CONFIG"), out=("output", "--output"))
def experiment(
    config: _PathLike,
    output: _PathLike,
    resume: bool = False,
    data: _t.Optional[_PathLike] = None,
    threads: _t.Optional[int] = None,
) -> _pd.DataFrame:
    """Runs an experiment config (``deanon experiment CONFIG --output OUTPUT``) and returns its
    results.csv as a DataFrame (also written to ``output`` with the plots).

    >>> results = deanon.experiment("experiments/smoke.toml", "smoke-out")  # doctest: +SKIP
    """
    _native.experiment(
        _Path(config),
        _Path(output),
        resume=resume,
        data=None if data is None else _Path(data),
        threads=threads,
    )
    return _read_csv(_Path(output) / "results.csv")


#: What errors call a data set in memory, which :func:`audit` saves to a temporary store.
_IN_MEMORY = "ds (the Dataset given, in memory)"


@_renamed(target=("target_risk", "--target-risk"), out=("output", "--output"))
@_document("audit")
def audit(
    ds: Dataset,
    policies: _t.Union[str, _os.PathLike, _t.Sequence[_t.Union[str, _os.PathLike]]] = (),
    output: _t.Optional[_PathLike] = None,
    adversaries: _t.Optional[_PathLike] = None,
    target_risk: _t.Optional[float] = None,
    sample: _t.Optional[int] = None,
    draws: _t.Optional[int] = None,
    everyone: bool = False,
    seed: _t.Optional[int] = None,
    naive: bool = False,
    tuning: _t.Optional[int] = None,
    threads: _t.Optional[int] = None,
    sensitive_items: _t.Optional[_t.Sequence[str]] = None,
    sensitive_attribute: _t.Optional[str] = None,
    target_inference_risk: _t.Optional[float] = None,
    curve: _t.Optional[_t.Sequence[_t.Union[int, str]]] = None,
    assume_facts: _t.Optional[_t.Union[int, str]] = None,
    curve_tuning: _t.Optional[int] = None,
    epsilon_canaries: _t.Optional[int] = None,
    resume: bool = False,
    released: _t.Optional[_t.Union[_PathLike, Dataset]] = None,
    key: _t.Optional[_PathLike] = None,
    policy_known: _t.Optional[str] = None,
) -> _t.Dict[str, _t.Any]:
    """Audits ``ds`` before release (``deanon audit``): per-person risk under each candidate
    policy against a battery of adversaries (or those of the TOML file ``adversaries``),
    unicity, utility cost, and the policy recommended for re-identification at most
    ``target_risk``. ``policies`` is one policy or a list of them, each a spec or the path of
    a ``.toml`` file of ``[[step]]`` tables (``--policy``). Returns audit.json as a dict; with
    ``output`` the report (report.html, plots, and risk.csv, mode 0600) stays there (and
    ``resume=True`` finishes an interrupted audit there), without it the files go to a
    temporary folder.
    The adversaries know each published policy and choose their strongest attack on other
    people (``tuning`` of them per policy); ``naive=True`` runs the policy-blind battery with
    the default attack instead (``deanon audit --naive``). ``sensitive_items`` (item ids) or
    ``sensitive_attribute`` adds the third test, inference, per policy (``inference`` in
    each policy's dict); ``target_inference_risk`` makes the recommendation require it too.
    ``curve`` (entries known, e.g. ``[1, 2, 4, 8, "all"]``; ``curve_tuning`` tuning people per
    point) is the knowledge curve, ``assume_facts`` (a point of it, 8 by default) the knowledge
    the verdict assumes and the recommendation must hold at (``deanon audit --curve
    --assume-facts``); ``epsilon_canaries`` (0: off) sizes each policy's measured epsilon.
    The keywords are the command's flags; ``target=`` and ``out=`` are the old names of
    ``target_risk=`` and ``output=`` (deprecated).

    ``released`` (a store, or a Dataset) with its ``key`` (``released_id,original_id``, as
    ``deanon release`` writes it or a plain two-column CSV) audits that release, made elsewhere,
    instead of ``policies`` (``deanon audit --released``): the adversaries are blind unless
    ``policy_known`` states the policy it was made with; ``audit["released"]`` names the release
    and says whether it meets the targets.

    >>> a = deanon.audit(ds, "pseudonymize|sample:fraction=0.5", sample=200)  # doctest: +SKIP
    >>> a["recommended"]  # doctest: +SKIP
    >>> deanon.audit(ds, released="vendor.deanon", key="vendor-key.csv")["released"]  # doctest: +SKIP
    """
    with _tempfile.TemporaryDirectory(prefix="deanon-audit-") as scratch:
        data, data_name = ds.path, None
        if data is None:
            data, data_name = _Path(scratch) / "data.deanon", _IN_MEMORY
            ds.save(data)
        folder = _Path(output) if output is not None else _Path(scratch) / "audit"
        if isinstance(released, Dataset):
            stored = released.path
            if stored is None:
                stored = _Path(scratch) / "released.deanon"
                released.save(stored)
            released = stored
        return _native.audit(
            _Path(data),
            folder,
            _policy_list(policies),
            adversaries=None if adversaries is None else str(_Path(adversaries)),
            target_risk=_float(target_risk),
            sample=sample,
            draws=draws,
            everyone=everyone,
            resume=resume,
            seed=seed,
            naive=naive,
            tuning=tuning,
            threads=threads,
            sensitive_items=None if sensitive_items is None else [str(i) for i in sensitive_items],
            sensitive_attribute=sensitive_attribute,
            target_inference_risk=_float(target_inference_risk),
            curve=None if curve is None else ",".join(str(k) for k in curve),
            assume_facts=None if assume_facts is None else str(assume_facts),
            curve_tuning=curve_tuning,
            epsilon_canaries=epsilon_canaries,
            data_name=data_name,
            released=None if released is None else str(_Path(released)),
            key=None if key is None else str(_Path(key)),
            policy_known=policy_known,
        )


def _day(value) -> _t.Optional[str]:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return _pd.Timestamp(value).strftime("%Y-%m-%d")


@_document("cohort")
def cohort(
    ds: Dataset,
    item: _t.Optional[_t.Union[str, int]] = None,
    streak: _t.Optional[int] = None,
    times: _t.Optional[int] = None,
    any_of: _t.Optional[_t.Sequence[_t.Union[str, int]]] = None,
    at_least: _t.Optional[int] = None,
    from_date: _t.Any = None,
    to_date: _t.Any = None,
    min_cell: _t.Optional[int] = None,
    epsilon: _t.Optional[float] = None,
    facts: _t.Optional[int] = None,
    date_error: _t.Optional[int] = None,
    targets: _t.Optional[int] = None,
    draws: _t.Optional[int] = None,
    seed: _t.Optional[int] = None,
    threads: _t.Optional[int] = None,
) -> _t.Dict[str, _t.Any]:
    """What a published statement about a small group reveals (``deanon cohort``): "the N
    people who watched ``item`` on each of ``streak`` consecutive days" (or at least ``times``
    times, or at least ``at_least`` items of ``any_of``) between ``from_date`` and ``to_date``
    (None: the data's first and last day). Returns the report as a dict: ``cohort_size``,
    ``singles_out`` (below ``min_cell``), ``dp_count`` with ``epsilon``, and the adversary who
    knows the statement plus ``facts`` other facts (dates off by up to ``date_error`` days,
    ``draws`` draws for each of at most ``targets`` members): ``reidentified_in_cohort``
    against ``reidentified_in_population`` and the anonymity sets.

    >>> views = deanon.generate("views-like", users=100_000)  # doctest: +SKIP
    >>> deanon.cohort(views, item=230, streak=18, from_date="2022-12-01", to_date="2022-12-31",
    ...               epsilon=1)["cohort_size"]  # doctest: +SKIP
    23
    """
    return _native.cohort(
        ds._native,
        item=None if item is None else str(item),
        streak=streak,
        times=times,
        any_of=None if any_of is None else [str(i) for i in any_of],
        at_least=at_least,
        from_date=_day(from_date),
        to_date=_day(to_date),
        min_cell=min_cell,
        epsilon=_float(epsilon),
        facts=facts,
        date_error=date_error,
        targets=targets,
        draws=draws,
        seed=seed,
        threads=threads,
    )
