-- 0003_celery_state.sql - what Celery's result backend last said of a job's task while the job is
-- still queued or running (SPEC.md section 16.9, `vidc serve --broker`): {"status": "STARTED"} or
-- {"status": "RETRY", "reason": "EXC_TYPE: MESSAGE", "retries": N}, NULL otherwise. Its own column
-- rather than the payload: the payload is rewritten by the tasks (the split), and the result
-- reader must not overwrite their writes.
--
-- Portable SQL, as 0001_init.sql.
ALTER TABLE vidc_jobs ADD COLUMN celery_state TEXT;
