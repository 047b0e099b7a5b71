-- 0001_init.sql - the service's first schema: sites, tokens, content records, the product's video
-- tables (igny8_*), social accounts, the credit ledger and the job queue.
--
-- Portable SQL (SQLite and PostgreSQL): {{ID}} is the dialect's auto-increment integer key
-- (SQLite: INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL: BIGSERIAL PRIMARY KEY); times are UTC
-- ISO 8601 text written by vidc ('2025-01-31T12:00:00Z'), except leases and run-after times,
-- which are integer milliseconds since the epoch; JSON values are text. No dialect functions: vidc
-- computes every time and every value itself.

CREATE TABLE vidc_sites (
	id {{ID}},
	external_id TEXT,
	name TEXT NOT NULL,
	video_enabled INTEGER NOT NULL DEFAULT 0,
	auto_project_type TEXT NOT NULL DEFAULT 'short',
	auto_target_platforms TEXT NOT NULL DEFAULT '["tiktok"]',
	auto_social_account_ids TEXT NOT NULL DEFAULT '[]',
	auto_voice_id TEXT,
	auto_voice_provider TEXT NOT NULL DEFAULT 'espeak',
	auto_music_track TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX vidc_sites_external ON vidc_sites (external_id);

-- Bearer tokens: only the BLAKE2b-256 hash of a token is kept. site_id NULL: an operator token.
CREATE TABLE vidc_tokens (
	id {{ID}},
	site_id INTEGER REFERENCES vidc_sites (id) ON DELETE CASCADE,
	name TEXT NOT NULL DEFAULT '',
	token_hash TEXT NOT NULL,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);
CREATE UNIQUE INDEX vidc_tokens_hash ON vidc_tokens (token_hash);

-- Content records: the article JSON of SPEC section 11 (record), with the product's id.
CREATE TABLE vidc_contents (
	id {{ID}},
	site_id INTEGER NOT NULL REFERENCES vidc_sites (id) ON DELETE CASCADE,
	external_id TEXT,
	sector TEXT,
	title TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft',
	record TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX vidc_contents_site ON vidc_contents (site_id, id);
CREATE UNIQUE INDEX vidc_contents_external ON vidc_contents (site_id, external_id);

CREATE TABLE igny8_video_projects (
	id {{ID}},
	site_id INTEGER NOT NULL REFERENCES vidc_sites (id) ON DELETE CASCADE,
	sector TEXT,
	content_id INTEGER REFERENCES vidc_contents (id) ON DELETE SET NULL,
	external_id TEXT,
	project_type TEXT NOT NULL,
	target_platforms TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft',
	voice_id TEXT,
	voice_provider TEXT NOT NULL DEFAULT 'espeak',
	music_track TEXT,
	transition_style TEXT,
	automated INTEGER NOT NULL DEFAULT 0,
	error TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX igny8_video_projects_site ON igny8_video_projects (site_id, id);
CREATE INDEX igny8_video_projects_status ON igny8_video_projects (site_id, status, id);
CREATE INDEX igny8_video_projects_type ON igny8_video_projects (site_id, project_type, id);
CREATE INDEX igny8_video_projects_content ON igny8_video_projects (content_id);

-- One per project: the script of SPEC section 11. sections = intro + points, seo_metadata = seo.
CREATE TABLE igny8_video_scripts (
	id {{ID}},
	project_id INTEGER NOT NULL REFERENCES igny8_video_projects (id) ON DELETE CASCADE,
	language TEXT,
	script_text TEXT NOT NULL,
	sections TEXT NOT NULL,
	hook TEXT NOT NULL,
	cta TEXT NOT NULL,
	chapter_markers TEXT NOT NULL,
	total_estimated_duration REAL NOT NULL,
	seo_metadata TEXT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX igny8_video_scripts_project ON igny8_video_scripts (project_id);

CREATE TABLE igny8_video_assets (
	id {{ID}},
	project_id INTEGER NOT NULL REFERENCES igny8_video_projects (id) ON DELETE CASCADE,
	asset_type TEXT NOT NULL,
	source TEXT NOT NULL,
	file_path TEXT,
	url TEXT,
	duration REAL,
	section_index INTEGER,
	"order" INTEGER NOT NULL DEFAULT 0,
	credit TEXT,
	licence TEXT,
	original_url TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX igny8_video_assets_project ON igny8_video_assets (project_id, "order", id);

CREATE TABLE igny8_rendered_videos (
	id {{ID}},
	project_id INTEGER NOT NULL REFERENCES igny8_video_projects (id) ON DELETE CASCADE,
	preset TEXT NOT NULL,
	resolution TEXT,
	duration REAL,
	file_size INTEGER,
	file_path TEXT,
	subtitle_path TEXT,
	thumbnail_path TEXT,
	render_started_at TEXT,
	render_completed_at TEXT,
	status TEXT NOT NULL DEFAULT 'queued',
	percent REAL NOT NULL DEFAULT 0,
	frames_done INTEGER NOT NULL DEFAULT 0,
	frames_total INTEGER NOT NULL DEFAULT 0,
	eta_seconds REAL,
	error TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX igny8_rendered_videos_project ON igny8_rendered_videos (project_id, id);
CREATE INDEX igny8_rendered_videos_preset ON igny8_rendered_videos (project_id, preset, status);

CREATE TABLE vidc_social_accounts (
	id {{ID}},
	site_id INTEGER NOT NULL REFERENCES vidc_sites (id) ON DELETE CASCADE,
	platform TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	platform_user_id TEXT,
	tokens_sealed TEXT,
	token_expires_at TEXT,
	status TEXT NOT NULL DEFAULT 'active',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX vidc_social_accounts_site ON vidc_social_accounts (site_id, id);

-- Filled by the publishing stage (issue 13).
CREATE TABLE igny8_published_videos (
	id {{ID}},
	rendered_video_id INTEGER NOT NULL REFERENCES igny8_rendered_videos (id) ON DELETE CASCADE,
	social_account_id INTEGER REFERENCES vidc_social_accounts (id) ON DELETE SET NULL,
	platform TEXT NOT NULL,
	platform_video_id TEXT,
	url TEXT,
	status TEXT NOT NULL DEFAULT 'publishing',
	error TEXT,
	published_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX igny8_published_videos_rendered ON igny8_published_videos (rendered_video_id);

CREATE TABLE igny8_video_engagement (
	id {{ID}},
	published_video_id INTEGER NOT NULL REFERENCES igny8_published_videos (id) ON DELETE CASCADE,
	fetched_at TEXT NOT NULL,
	views INTEGER,
	likes INTEGER,
	comments INTEGER,
	shares INTEGER,
	watch_time_seconds REAL,
	avg_view_duration REAL,
	raw TEXT
);
CREATE INDEX igny8_video_engagement_video ON igny8_video_engagement (published_video_id, fetched_at);

-- The credit ledger: one row per movement; the balance is the sum of amount. A grant is
-- positive; an operation first holds its estimate (negative), then on settling releases the
-- hold (positive, kind 'release') and charges the real cost (negative, kind 'charge').
CREATE TABLE vidc_credit_ledger (
	id {{ID}},
	site_id INTEGER NOT NULL REFERENCES vidc_sites (id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	operation_type TEXT,
	amount INTEGER NOT NULL,
	project_id INTEGER REFERENCES igny8_video_projects (id) ON DELETE SET NULL,
	job_id INTEGER,
	note TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX vidc_credit_ledger_site ON vidc_credit_ledger (site_id, id);
CREATE INDEX vidc_credit_ledger_job ON vidc_credit_ledger (job_id);

-- The job queue. A worker claims a queued job (or a running one whose lease ran out) by setting
-- lease_owner and lease_until, renews the lease while it works, and finishes it as done or
-- failed. attempts counts claims. vidc_job_runs logs every execution.
CREATE TABLE vidc_jobs (
	id {{ID}},
	queue TEXT NOT NULL DEFAULT 'video',
	kind TEXT NOT NULL,
	site_id INTEGER NOT NULL REFERENCES vidc_sites (id) ON DELETE CASCADE,
	project_id INTEGER REFERENCES igny8_video_projects (id) ON DELETE CASCADE,
	rendered_video_id INTEGER REFERENCES igny8_rendered_videos (id) ON DELETE CASCADE,
	payload TEXT NOT NULL DEFAULT '{}',
	chain INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'queued',
	attempts INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL DEFAULT 3,
	run_after BIGINT NOT NULL DEFAULT 0,
	lease_owner TEXT,
	lease_until BIGINT NOT NULL DEFAULT 0,
	progress REAL NOT NULL DEFAULT 0,
	error TEXT,
	created_at TEXT NOT NULL,
	started_at TEXT,
	finished_at TEXT
);
CREATE INDEX vidc_jobs_claim ON vidc_jobs (queue, status, run_after, id);
CREATE INDEX vidc_jobs_project ON vidc_jobs (project_id, id);

CREATE TABLE vidc_job_runs (
	id {{ID}},
	job_id INTEGER NOT NULL REFERENCES vidc_jobs (id) ON DELETE CASCADE,
	attempt INTEGER NOT NULL,
	worker TEXT NOT NULL,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	outcome TEXT
);
CREATE INDEX vidc_job_runs_job ON vidc_job_runs (job_id);
