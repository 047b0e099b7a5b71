"""The tasks, named and called as the product calls them. Every video task is on the `video`
queue, acknowledged late and given back when its worker dies: the task delivered again asks vidc
for the same job (its task id is the job's key) and vidc takes the dead execution over."""
import os

from celery import chain, chord, group

from .app import app
from .vidc import VidcRetry, add_jobs, run, run_jobs

VIDEO = {"queue": "video", "acks_late": True, "reject_on_worker_lost": True, "bind": True,
         "max_retries": 5}
RETRY_DELAY = int(os.environ.get("VIDC_CELERY_RETRY_DELAY", "30"))


def _step(task, kind, key=None, **opts):
    try:
        return run_jobs(kind, key or task.request.id, **opts)
    except VidcRetry as e:
        # vidc queued its job again (a provider's 5xx, a platform's quota): run it later
        raise task.retry(exc=e, countdown=RETRY_DELAY)


def _project_task(name, kind, doc):
    """A task whose step is the project's job of one kind: one definition for the five of them."""
    def task(self, project_id):
        return {"project_id": project_id, "jobs": _step(self, kind, project=project_id)}
    task.__name__ = task.__qualname__ = name
    task.__doc__ = doc
    return app.task(name="vidc_celery." + name, **VIDEO)(task)


generate_video_script = _project_task("generate_video_script", "script", "The project's script.")
generate_voiceover = _project_task("generate_voiceover", "voice", "The project's voice-over.")
generate_assets = _project_task("generate_assets", "assets",
                                "The visuals of every section (a render makes them when they are missing).")
generate_thumbnail = _project_task("generate_thumbnail", "thumbnail",
                                   "The thumbnail of every completed render of the project, made again.")
generate_subtitles = _project_task("generate_subtitles", "subtitles",
                                   "The subtitles of every completed render of the project, made again.")


@app.task(name="vidc_celery.render_video", **VIDEO)
def render_video(self, project_id, preset, pieces=None):
    """The render of one preset, with its subtitles and thumbnail. A long one (its video, as vidc
    measures it, over the config's split_seconds, or pieces asked for: the API's `pieces`; at most
    a piece per 2 s of video) becomes a chord: a render_piece task per piece, on any workers, then
    join_pieces."""
    try:
        ids = add_jobs("render", self.request.id, project=project_id, preset=preset)
        n = run("job", "split", ids[0], *(["--pieces", pieces] if pieces else []), want_json=True)
        if n > 1:
            pieces_ = [render_piece.si(project_id, preset, n, k) for k in range(1, n + 1)]
            # the join runs the render job this task made: its key is this task's id
            return self.replace(chord(pieces_, join_pieces.s(project_id, preset, render_key=self.request.id)))
        run("job", "run", ids[0])
    except VidcRetry as e:
        raise self.retry(exc=e, countdown=RETRY_DELAY)
    return {"project_id": project_id, "preset": preset, "jobs": ids}


@app.task(name="vidc_celery.render_piece", **VIDEO)
def render_piece(self, project_id, preset, pieces, piece):
    """Piece PIECE of PIECES of the project's split render of preset (its own job: a worker that
    dies mid-piece gives the message back and the piece is taken over)."""
    return {"project_id": project_id, "preset": preset, "piece": piece,
            "jobs": _step(self, "piece", project=project_id, preset=preset, pieces=pieces, piece=piece)}


@app.task(name="vidc_celery.join_pieces", **VIDEO)
def join_pieces(self, results, project_id, preset, render_key=None):
    """The chord's end: the render job joins its pieces, then makes subtitles and thumbnail."""
    key = render_key or self.request.id
    return {"project_id": project_id, "preset": preset, "pieces": len(results or []),
            "jobs": _step(self, "render", project=project_id, preset=preset, key=key)}


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
