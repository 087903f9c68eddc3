"""pandas columns to and from the engine's ``(tag, values)`` columns.

Numeric columns cross as numpy arrays that the engine reads in place when they are already
contiguous int64/float64 (no copy); text columns cross as lists of ``str``/``None``. Dates:
datetime64 (any unit; tz-aware ones by their wall-clock date) and ``datetime.date`` objects become
days since 1970-01-01, integers and floats are Unix seconds, strings are ``YYYY-MM-DD`` or Unix
seconds, exactly as ``deanon import`` reads a CSV file.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Optional, Tuple

import numpy as np
import pandas as pd

from ._native import DeanonError

#: numpy's NaT as int64, the engine's "no date" in a ``days`` column.
MISSING_DAYS = np.iinfo(np.int64).min

Column = Tuple[str, Any]


def _texts(series: pd.Series) -> list:
    """A list of ``str`` (``None`` where missing)."""
    values = series.astype(object)
    mask = pd.isna(values).to_numpy()
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        out = values.tolist()  # already text: no per-value conversion
    else:
        out = [str(v) for v in values.tolist()]
    for i in np.flatnonzero(mask):
        out[i] = None
    return out


def _plain(series: pd.Series) -> pd.Series:
    """Categoricals by their values; pandas' nullable numbers as numpy numbers (NaN missing)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(series.cat.categories.dtype)
    if isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(
        series.dtype
    ):
        if series.isna().any():
            series = series.astype("float64")
        else:
            series = series.astype(series.dtype.numpy_dtype)
    return series


def ids(series: pd.Series) -> Column:
    """An id column: integers and floats as numbers, anything else as text."""
    series = _plain(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        raise DeanonError(f"column {series.name}: ids cannot be booleans")
    if pd.api.types.is_integer_dtype(series.dtype):
        return ("int", np.ascontiguousarray(series.to_numpy(), dtype=np.int64))
    if pd.api.types.is_float_dtype(series.dtype):
        return ("float", np.ascontiguousarray(series.to_numpy(), dtype=np.float64))
    return ("str", _texts(series))


def ratings(series: pd.Series) -> Column:
    """A rating column in stars: numbers, or text such as ``3.5``."""
    series = _plain(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        raise DeanonError("column rating: ratings cannot be booleans")
    if pd.api.types.is_numeric_dtype(series.dtype):
        return ("stars", np.ascontiguousarray(series.to_numpy(), dtype=np.float64))
    return ("str", _texts(series))


def _days_of_datetimes(series: pd.Series) -> Column:
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    days = series.to_numpy().astype("datetime64[D]").view(np.int64)
    return ("days", np.ascontiguousarray(days))


def dates(series: pd.Series) -> Column:
    """A date column (see the module docs)."""
    series = _plain(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _days_of_datetimes(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        raise DeanonError("column date: dates cannot be booleans")
    if pd.api.types.is_integer_dtype(series.dtype):
        return ("seconds", np.ascontiguousarray(series.to_numpy(), dtype=np.int64))
    if pd.api.types.is_float_dtype(series.dtype):
        return ("seconds_float", np.ascontiguousarray(series.to_numpy(), dtype=np.float64))
    present = series.dropna()
    if len(present) and all(isinstance(v, (_dt.date, pd.Timestamp, np.datetime64)) for v in present):
        return _days_of_datetimes(pd.to_datetime(series))
    return ("str", _texts(series))


def optional(df: pd.DataFrame, name: str, convert) -> Optional[Column]:
    return convert(df[name]) if name in df.columns else None


def require(df: pd.DataFrame, names, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise DeanonError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise DeanonError(
            f"{what} needs the columns {', '.join(names)}; missing {', '.join(missing)} "
            f"(it has {', '.join(map(str, df.columns)) or 'none'})"
        )


def id_values(column) -> np.ndarray:
    """Per-entry ids from the engine: an int64 array, or (codes, names)."""
    if isinstance(column, tuple):
        codes, names = column
        return np.asarray(names, dtype=object)[codes]
    return column


def days_to_datetimes(days: np.ndarray) -> np.ndarray:
    """int64 days (minimum: missing) as datetime64[s] (NaT: missing)."""
    return days.view("datetime64[D]").astype("datetime64[s]")


def pairs(df: Optional[pd.DataFrame], left: str, right: str, what: str):
    """A two-column DataFrame (release key, item map) as two lists of ``str``."""
    if df is None:
        return None
    require(df, [left, right], what)
    for name in (left, right):
        missing = np.flatnonzero(pd.isna(df[name]).to_numpy())
        if len(missing):
            raise DeanonError(f"{what} row {missing[0]}: empty {name}")
    return _texts(df[left]), _texts(df[right])


def _values_as_text(series: pd.Series) -> list:
    """A column as the engine's text (``None`` where missing): whole numbers without a decimal
    point, so that 24 and 24.0 (a number column with a gap) are both ``"24"``."""
    series = _plain(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        raise DeanonError(f"column {series.name}: booleans are not attribute values")
    if pd.api.types.is_integer_dtype(series.dtype):
        return [str(v) for v in series.tolist()]
    if pd.api.types.is_float_dtype(series.dtype):
        return [
            None if np.isnan(v) else (str(int(v)) if float(v).is_integer() else repr(float(v)))
            for v in series.tolist()
        ]
    return _texts(series)


def people(df: pd.DataFrame):
    """A people DataFrame (``user`` and one column per attribute) as the engine's
    ``(users, names, values)``."""
    require(df, ["user"], "the people table")
    users = _values_as_text(df["user"])
    if any(u is None for u in users):
        raise DeanonError(f"the people table: row {users.index(None)} has no user")
    names = [str(c) for c in df.columns if c != "user"]
    values = [_values_as_text(df[c]) for c in df.columns if c != "user"]
    return users, names, values


def people_frame(table) -> pd.DataFrame:
    """The engine's people table as a DataFrame: ``user``, then each attribute, numeric ones as
    nullable integers."""
    out = {"user": id_values(table["user"])}
    for name in table["names"]:
        values = table[name]
        if name in table["numeric"]:
            out[name] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
        else:
            out[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(out)
