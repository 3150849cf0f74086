"""keikaku: Japanese municipal plan texts (総合計画) → structured plan hierarchies.

Stages, each a folder, data flowing one way (ARCHITECTURE.md): :mod:`~keikaku.ingest` (bytes →
lines), :mod:`~keikaku.segment` (lines + profile → the tree of a :class:`~keikaku.model.tree.Document`),
:mod:`~keikaku.extract` (indicators, keywords and entities), :mod:`~keikaku.export` (JSON, CSV, Parquet).
:mod:`~keikaku.run.pipeline` and :mod:`~keikaku.run.batch` run them over many files (locally or on
Dask), :mod:`~keikaku.cli` is the command line, :mod:`~keikaku.api` the notebook API
(``keikaku.parse``, ``keikaku.load``) and :mod:`~keikaku.views.report` the HTML report.
:func:`read_document` and :func:`read_manifest` read a run's files back into the model
(:mod:`keikaku.model`), validated.
"""

__version__ = "0.1.0"

from .api import Tables, load, parse  # noqa: E402 - the notebook API: keikaku.parse, keikaku.load
from .model.schema import read_document, read_manifest  # noqa: E402 - a run's files, read back into the model

__all__ = ["Tables", "load", "parse", "read_document", "read_manifest", "__version__"]
