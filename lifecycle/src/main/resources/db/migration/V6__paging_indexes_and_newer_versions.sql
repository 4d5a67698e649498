-- Control plane at scale (issue 10): what paged, sorted and filtered reads of jobs, the portfolio and
-- the audit log need to stay fast with 10,000 jobs and 1,000,000 audit events.

-- How many newer (SemVer) versions of the same family exist: part of the purge score. Kept up to date
-- by the lifecycle whenever a family's versions change, and refreshed by the supervisor every pass,
-- so the portfolio computes the score in SQL instead of comparing every job with every other one.
ALTER TABLE registry_job ADD COLUMN newer_versions INTEGER NOT NULL DEFAULT 0;

-- The original's order of GET /api/v1/job (update_time desc, name).
CREATE INDEX registry_job_update_time ON registry_job (update_time DESC, name);

-- The audit log is read newest first and paged by keyset over (timestamp, id): one index per filter
-- that exists (everything, related to a user as executor or subject, a job family or version).
DROP INDEX registry_auditlogevent_timestamp;
DROP INDEX registry_auditlogevent_executor;
DROP INDEX registry_auditlogevent_subject;
DROP INDEX registry_auditlogevent_job;
CREATE INDEX registry_auditlogevent_time_id ON registry_auditlogevent (timestamp DESC, id DESC);
CREATE INDEX registry_auditlogevent_executor_time
    ON registry_auditlogevent (username_executor, timestamp DESC, id DESC);
CREATE INDEX registry_auditlogevent_subject_time
    ON registry_auditlogevent (username_subject, timestamp DESC, id DESC);
CREATE INDEX registry_auditlogevent_job_time
    ON registry_auditlogevent (job_name, job_version, timestamp DESC, id DESC);
CREATE INDEX registry_auditlogevent_family_time
    ON registry_auditlogevent (job_name, timestamp DESC, id DESC);
