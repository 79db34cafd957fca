"""Background work: the outbox dispatch, run by each server process (``worker.in_process``)."""
