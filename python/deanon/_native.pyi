"""Type stubs of the extension module ``deanon._native`` (the engine; see ``deanon``)."""

from os import PathLike
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

Column = Tuple[str, Any]
Pairs = Tuple[List[str], List[str]]
Path_ = Union[str, "PathLike[str]"]

__version__: str

class DeanonError(ValueError): ...

class NativeDataset:
    @property
    def num_records(self) -> int: ...
    @property
    def num_items(self) -> int: ...
    @property
    def num_entries(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def path(self) -> Optional[Path_]: ...
    def save(self, path: Path_) -> None: ...
    def info_json(self) -> str: ...
    def columns(self) -> Dict[str, Any]: ...
    def release(
        self, policy: str, seed: int = 0, threads: Optional[int] = None
    ) -> Tuple[NativeDataset, Pairs]: ...
    def utility(self, policy: str, seed: int = 0, threads: Optional[int] = None) -> str: ...
    def fingerprint(self) -> str: ...

def from_columns(
    kind: str,
    user: Column,
    item: Column,
    rating: Optional[Column] = None,
    date: Optional[Column] = None,
    threads: Optional[int] = None,
) -> NativeDataset: ...
def open(path: Path_) -> NativeDataset: ...
def generate(
    preset: str, users: Optional[int] = None, seed: int = 0, threads: Optional[int] = None
) -> NativeDataset: ...
def sample_aux(
    data: NativeDataset,
    targets: int,
    items: int,
    wrong: int = 0,
    rating_error: float = 0.0,
    date_error: int = 14,
    dates: bool = True,
    ratings: bool = True,
    select: str = "uniform",
    key: Optional[Pairs] = None,
    non_members: int = 0,
    count_error: float = 0.0,
    seed: int = 0,
    threads: Optional[int] = None,
) -> Tuple[Dict[str, Any], int]: ...
def attack(
    release: NativeDataset,
    aux_id: Column,
    item: Column,
    rating: Optional[Column] = None,
    date: Optional[Column] = None,
    true_user: Optional[Column] = None,
    count: Optional[npt.NDArray[np.float64]] = None,
    key: Optional[Pairs] = None,
    item_map: Optional[Pairs] = None,
    algorithm: str = "scoreboard-rh",
    phi: float = 1.5,
    rho0: float = 1.5,
    d0: float = 30.0,
    rating_tol: float = 0.0,
    date_tol: int = 14,
    length_norm: float = 0.75,
    count_tolerance: float = 0.5,
    resamples: int = 1000,
    seed: int = 0,
    informed: bool = False,
    threads: Optional[int] = None,
) -> Tuple[Dict[str, Any], str, List[str]]: ...
def unicity(
    data: NativeDataset,
    points: List[int],
    knowledge: List[str],
    date_tol: int = 0,
    sample: Optional[int] = None,
    draws: int = 1,
    resamples: int = 1000,
    seed: int = 0,
    threads: Optional[int] = None,
) -> str: ...
def sparsity(
    data: NativeDataset, sample: int = 1000, seed: int = 0, threads: Optional[int] = None
) -> str: ...
def experiment(
    config: Path_,
    out: Path_,
    resume: bool = False,
    data: Optional[Path_] = None,
    threads: Optional[int] = None,
) -> str: ...
def audit(
    data: Path_,
    out: Path_,
    policies: List[str],
    adversaries: Optional[Path_] = None,
    target: float = 0.09,
    sample: Optional[int] = None,
    draws: Optional[int] = None,
    everyone: bool = False,
    resume: bool = False,
    seed: int = 0,
    naive: bool = False,
    tuning: Optional[int] = None,
    threads: Optional[int] = None,
) -> None: ...
def cohort(
    data: NativeDataset,
    item: Optional[str] = None,
    streak: Optional[int] = None,
    times: Optional[int] = None,
    any_of: Optional[List[str]] = None,
    at_least: Optional[int] = None,
    from_date: Optional[str] = None,
    to_date: Optional[str] = None,
    min_cell: int = 10,
    epsilon: Optional[float] = None,
    facts: int = 2,
    date_error: int = 3,
    targets: int = 1000,
    draws: int = 10,
    seed: int = 0,
    threads: Optional[int] = None,
) -> str: ...
