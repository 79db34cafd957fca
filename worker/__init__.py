"""Background work: Celery tasks and schedules, or the same tasks in-process."""
