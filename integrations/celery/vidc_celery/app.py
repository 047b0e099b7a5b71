"""The Celery application and its configuration, read from the environment."""
import os

from celery import Celery
from celery.schedules import crontab

BROKER = os.environ.get("VIDC_CELERY_BROKER", "redis://localhost:6379/0")
# chords (split renders, several platforms at once) need a result backend
BACKEND = os.environ.get("VIDC_CELERY_BACKEND", BROKER)

app = Celery("vidc_celery", broker=BROKER, backend=BACKEND, include=["vidc_celery.tasks"])
app.conf.update(
    task_default_queue="celery",  # fetch_video_engagement; the video tasks name their queue
    task_acks_late=True,  # a message is acknowledged after its task, not before
    task_reject_on_worker_lost=True,  # a worker killed mid-task gives its message back
    worker_prefetch_multiplier=1,  # a render is long: do not hold messages another worker could run
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=7 * 86400,
    # `vidc serve --broker` reads each task's end from this backend (celery-task-meta-ID): a task
    # that fails before vidc could record it (vidc missing, killed) still fails its job there.
    # The name and args in the result make its message say which task failed.
    task_ignore_result=False,
    task_track_started=True,
    result_extended=True,
    # a message a dead worker (machine) held is delivered again after this many seconds; it must
    # exceed the longest task, or a long render is delivered twice (vidc then waits for the first)
    broker_transport_options={"visibility_timeout": int(os.environ.get("VIDC_CELERY_VISIBILITY", "21600"))},
    beat_schedule={
        "fetch-video-engagement": {
            "task": "vidc_celery.fetch_video_engagement",
            "schedule": crontab(minute=0, hour="*/12"),  # every 12 hours
        },
    },
)
