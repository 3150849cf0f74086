"""Functions that worker processes import by name in tests (spawned workers cannot see monkeypatches)."""

from __future__ import annotations

import multiprocessing
import os

from keikaku.run.batch import Job, Outcome, process


def die_in_worker_on_kodaira(job: Job) -> Outcome:
    """Like keikaku.run.batch.process, but a worker process handed kodaira dies as if killed."""
    if multiprocessing.parent_process() is not None and "kodaira" in job.doc_id:
        os._exit(9)
    return process(job)


def exit_at_once(*args: object) -> None:
    """In place of a worker's start: the process exits before it can say that it started."""
    os._exit(1)
