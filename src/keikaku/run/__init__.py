"""Running many plans: the pipeline, worker processes and Dask, the output folder and its manifest."""
