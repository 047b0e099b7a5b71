"""vidc's service jobs as Celery tasks (integrations/celery/README.md, SPEC.md section 16.9).

`celery -A vidc_celery worker -Q video --concurrency=1` on any machine that has vidc, this
package, the store (--db) and the media folder. Every task asks vidc for the job of its step
(`vidc job add`) and runs it in a subprocess (`vidc job run`), so a crash of vidc fails the task
and never the Celery worker.
"""
from .app import app
from .tasks import (fetch_video_engagement, generate_assets, generate_subtitles, generate_thumbnail,
                    generate_video_script, generate_voiceover, join_pieces, publish_project,
                    publish_video, render_piece, render_video, video_pipeline_stage9)

celery = app

__all__ = ["app", "celery", "fetch_video_engagement", "generate_assets", "generate_subtitles",
           "generate_thumbnail", "generate_video_script", "generate_voiceover", "join_pieces",
           "publish_project", "publish_video", "render_piece", "render_video", "video_pipeline_stage9"]
