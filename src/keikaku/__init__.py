"""keikaku: Japanese municipal plan texts (総合計画) → structured plan hierarchies.

Stages, each a module, data flowing one way: :mod:`~keikaku.ingest` (bytes → lines),
:mod:`~keikaku.segment` (lines + profile → :class:`~keikaku.model.Document`),
:mod:`~keikaku.export` (documents → JSON/CSV); :mod:`~keikaku.pipeline` runs them over files and
:mod:`~keikaku.cli` is the command line.
"""

__version__ = "0.1.0"

from .api import Tables, load, parse  # noqa: E402 - the notebook API: keikaku.parse, keikaku.load

__all__ = ["Tables", "load", "parse", "__version__"]
