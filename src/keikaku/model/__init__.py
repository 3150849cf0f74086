"""The document model: one set of classes that is both the tree in memory and the output files
(stage-independent).  :mod:`.tree` holds the document and its units, :mod:`.records` the analysis,
indicator and manifest records and the flat tables' rows, :mod:`.schema` the published JSON Schema
and reading a document or manifest back into the model."""
