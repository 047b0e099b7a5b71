-- 0002_publish.sql - what the publishing stage (SPEC section 15) records: the upload session of
-- each post, one post per rendered video and social account, the engagement numbers of every
-- platform, accounts that need reconnecting, and the site's YouTube category.
--
-- Portable SQL, as 0001_init.sql.

-- The session record of pipeline/publish.h (YouTube's session URI, Instagram's container,
-- TikTok's publish id), written and committed before any byte goes up: a retried or duplicated
-- job passes it back and resumes the upload or finds the finished post instead of posting again.
ALTER TABLE igny8_published_videos ADD COLUMN upload_session TEXT;
-- What was posted (the VideoObject JSON-LD of the article page reads them back).
ALTER TABLE igny8_published_videos ADD COLUMN title TEXT;
ALTER TABLE igny8_published_videos ADD COLUMN description TEXT;
-- What the platform said that the caller should know (TikTok posted as SELF_ONLY, ...).
ALTER TABLE igny8_published_videos ADD COLUMN note TEXT;
-- Each step of the publish, one line each ("2026-01-31T12:00:00Z upload: ..."), at most 64 KiB;
-- the library's messages name steps and statuses, never a token.
ALTER TABLE igny8_published_videos ADD COLUMN step_log TEXT;
-- The publish job that owns the post: a second job for the same post leaves it to this one.
ALTER TABLE igny8_published_videos ADD COLUMN job_id INTEGER;
-- One post per rendered video and account: a duplicate publish reuses the row (and its session).
CREATE UNIQUE INDEX igny8_published_videos_target ON igny8_published_videos (rendered_video_id, social_account_id);
CREATE INDEX igny8_published_videos_account ON igny8_published_videos (social_account_id, status);

-- Engagement: the counts every platform may give (NULL where one gives none).
ALTER TABLE igny8_video_engagement ADD COLUMN saves INTEGER;
ALTER TABLE igny8_video_engagement ADD COLUMN reach INTEGER;

-- Accounts: status 'active' or 'needs_reconnection' (the platform refused the refresh token);
-- error says why.
ALTER TABLE vidc_social_accounts ADD COLUMN error TEXT;

-- YouTube's snippet.categoryId for the site's videos (NULL: the platform table's default).
ALTER TABLE vidc_sites ADD COLUMN youtube_category_id TEXT;
