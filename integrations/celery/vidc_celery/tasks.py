"""The tasks, named and called as the product calls them. Every video task is on the `video`
queue, acknowledged late and given back when its worker dies: the task delivered again asks vidc
for the same job (its task id is the job's key) and vidc takes the dead execution over."""
import os

from celery import chain, group

from .app import app
from .vidc import VidcRetry, run, run_jobs

VIDEO = {"queue": "video", "acks_late": True, "reject_on_worker_lost": True, "bind": True,
         "max_retries": 5}
RETRY_DELAY = int(os.environ.get("VIDC_CELERY_RETRY_DELAY", "30"))


def _step(task, kind, **opts):
    try:
        return run_jobs(kind, task.request.id, **opts)
    except VidcRetry as e:
        # vidc queued its job again (a provider's 5xx, a platform's quota): run it later
        raise task.retry(exc=e, countdown=RETRY_DELAY)


@app.task(name="vidc_celery.generate_video_script", **VIDEO)
def generate_video_script(self, project_id):
    return {"project_id": project_id, "jobs": _step(self, "script", project=project_id)}


@app.task(name="vidc_celery.generate_voiceover", **VIDEO)
def generate_voiceover(self, project_id):
    return {"project_id": project_id, "jobs": _step(self, "voice", project=project_id)}


@app.task(name="vidc_celery.render_video", **VIDEO)
def render_video(self, project_id, preset):
    """The render of one preset, with its subtitles and thumbnail."""
    return {"project_id": project_id, "preset": preset,
            "jobs": _step(self, "render", project=project_id, preset=preset)}


@app.task(name="vidc_celery.generate_thumbnail", **VIDEO)
def generate_thumbnail(self, project_id):
    """The thumbnail of every completed render of the project, made again."""
    return {"project_id": project_id, "jobs": _step(self, "thumbnail", project=project_id)}


@app.task(name="vidc_celery.generate_subtitles", **VIDEO)
def generate_subtitles(self, project_id):
    """The subtitles of every completed render of the project, made again."""
    return {"project_id": project_id, "jobs": _step(self, "subtitles", project=project_id)}


@app.task(name="vidc_celery.publish_video", **VIDEO)
def publish_video(self, rendered_video_id, social_account_id):
    return {"rendered_video_id": rendered_video_id, "social_account_id": social_account_id,
            "jobs": _step(self, "publish", rendered=rendered_video_id, account=social_account_id)}


@app.task(name="vidc_celery.publish_project", **VIDEO)
def publish_project(self, project_id):
    """Stage 9's end: each render to the site's automation accounts of its platform."""
    pairs = run("job", "publish-plan", "--project", project_id, want_json=True)
    if not pairs:
        return {"project_id": project_id, "published": []}
    return self.replace(group(publish_video.si(r, a) for r, a in pairs))


@app.task(name="vidc_celery.video_pipeline_stage9", **VIDEO)
def video_pipeline_stage9(self, content_id):
    """The automatic chain for a published article; content_id is the content record's
    external_id. Its project is made here, then the task becomes the chain of its steps. The task
    id is the project's key: delivered again (its worker died), it gets the same project."""
    plan = run("job", "stage9", content_id, "--key", self.request.id, want_json=True)
    pid = plan["project_id"]
    renders = [render_video.si(pid, p) for p in plan["platforms"]]
    steps = [generate_video_script.si(pid), generate_voiceover.si(pid),
             renders[0] if len(renders) == 1 else group(renders),
             generate_thumbnail.si(pid), generate_subtitles.si(pid), publish_project.si(pid)]
    return self.replace(chain(*steps))


@app.task(name="vidc_celery.fetch_video_engagement", acks_late=True)
def fetch_video_engagement(site_id=None):
    """The numbers of every published video (beat: every 12 hours, on the default queue)."""
    args = ["engagement"] + (["--site", site_id] if site_id else [])
    return run(*args, media=False)  # `vidc engagement` reads no media
