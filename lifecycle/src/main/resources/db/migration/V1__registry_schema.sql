-- The registry schema (reference §2.1): every table the platform uses, created up front.
-- Table and column names follow the original so existing queries and habits carry over.
-- Secrets are never stored in plain text: auth tokens are kept encrypted, with a SHA-256 hash for lookup.

CREATE TABLE auth_user (
    id           SERIAL PRIMARY KEY,
    password     VARCHAR(128) NOT NULL,
    last_login   TIMESTAMPTZ,
    is_superuser BOOLEAN      NOT NULL DEFAULT FALSE,
    username     VARCHAR(150) NOT NULL UNIQUE,
    first_name   VARCHAR(150) NOT NULL DEFAULT '',
    last_name    VARCHAR(150) NOT NULL DEFAULT '',
    email        VARCHAR(254) NOT NULL DEFAULT '',
    is_staff     BOOLEAN      NOT NULL DEFAULT FALSE,
    is_active    BOOLEAN      NOT NULL DEFAULT TRUE,
    date_joined  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE registry_jobfamily (
    id   VARCHAR(36)  PRIMARY KEY,
    name VARCHAR(512) NOT NULL UNIQUE
);

CREATE TABLE registry_job (
    id                     VARCHAR(36)  PRIMARY KEY,
    family_id              VARCHAR(36)  NOT NULL REFERENCES registry_jobfamily (id) ON DELETE CASCADE,
    name                   VARCHAR(512) NOT NULL,
    version                VARCHAR(256) NOT NULL,
    status                 VARCHAR(32)  NOT NULL,
    create_time            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    update_time            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    manifest               TEXT,
    internal_name          VARCHAR(512),
    error                  TEXT,
    notice                 TEXT,
    image_tag              VARCHAR(256),
    deployed_by            VARCHAR(256),
    last_call_time         TIMESTAMPTZ,
    infrastructure_target  VARCHAR(256),
    replica_internal_names TEXT,
    job_type_version       VARCHAR(256) NOT NULL DEFAULT '',
    infrastructure_stats   JSONB,
    CONSTRAINT registry_job_name_version UNIQUE (name, version),
    CONSTRAINT registry_job_status CHECK (status IN ('starting', 'running', 'error', 'orphaned', 'lost'))
);
CREATE INDEX registry_job_family ON registry_job (family_id);

CREATE TABLE registry_deployment (
    id                    VARCHAR(36)  PRIMARY KEY,
    status                VARCHAR(32)  NOT NULL,
    create_time           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    update_time           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    manifest              TEXT         NOT NULL,
    job_name              VARCHAR(512) NOT NULL,
    job_version           VARCHAR(256) NOT NULL,
    error                 TEXT,
    deployed_by           VARCHAR(256),
    build_logs            TEXT,
    phase                 TEXT,
    image_name            TEXT,
    infrastructure_target VARCHAR(256),
    warnings              TEXT,
    CONSTRAINT registry_deployment_status CHECK (status IN ('in_progress', 'done', 'failed'))
);
CREATE INDEX registry_deployment_update_time ON registry_deployment (update_time);
CREATE INDEX registry_deployment_job ON registry_deployment (job_name, job_version);

CREATE TABLE registry_esc (
    id   VARCHAR(36)  PRIMARY KEY,
    name VARCHAR(512) NOT NULL
);

CREATE TABLE registry_publicendpointrequest (
    id       VARCHAR(36)  PRIMARY KEY,
    job_id   VARCHAR(36)  NOT NULL REFERENCES registry_job (id) ON DELETE CASCADE,
    endpoint VARCHAR(512) NOT NULL,
    active   BOOLEAN      NOT NULL DEFAULT FALSE,
    CONSTRAINT registry_publicendpointrequest_job_endpoint UNIQUE (job_id, endpoint)
);

CREATE TABLE registry_trashjob (
    id                    VARCHAR(36)   PRIMARY KEY,
    name                  VARCHAR(512)  NOT NULL,
    version               VARCHAR(256)  NOT NULL,
    status                VARCHAR(32)   NOT NULL,
    create_time           TIMESTAMPTZ   NOT NULL,
    update_time           TIMESTAMPTZ   NOT NULL,
    manifest              TEXT,
    internal_name         VARCHAR(512),
    error                 TEXT,
    image_tag             VARCHAR(256),
    deployed_by           VARCHAR(256),
    last_call_time        TIMESTAMPTZ,
    infrastructure_target VARCHAR(256),
    delete_time           TIMESTAMPTZ   NOT NULL DEFAULT now(),
    age_days              NUMERIC(9, 3) NOT NULL
);
CREATE INDEX registry_trashjob_name_version ON registry_trashjob (name, version);

CREATE TABLE registry_auditlogevent (
    id                VARCHAR(36)  PRIMARY KEY,
    version           INTEGER      NOT NULL DEFAULT 1,
    timestamp         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    event_type        VARCHAR(512) NOT NULL,
    properties        TEXT,
    username_executor VARCHAR(256),
    username_subject  VARCHAR(256),
    job_name          VARCHAR(512),
    job_version       VARCHAR(256)
);
CREATE INDEX registry_auditlogevent_timestamp ON registry_auditlogevent (timestamp);
CREATE INDEX registry_auditlogevent_executor ON registry_auditlogevent (username_executor);
CREATE INDEX registry_auditlogevent_subject ON registry_auditlogevent (username_subject);
CREATE INDEX registry_auditlogevent_job ON registry_auditlogevent (job_name, job_version);

CREATE TABLE registry_authsubject (
    id            VARCHAR(36) PRIMARY KEY,
    user_id       INTEGER     UNIQUE REFERENCES auth_user (id) ON DELETE CASCADE,
    esc_id        VARCHAR(36) UNIQUE REFERENCES registry_esc (id) ON DELETE CASCADE,
    job_family_id VARCHAR(36) UNIQUE REFERENCES registry_jobfamily (id) ON DELETE CASCADE,
    CONSTRAINT registry_authsubject_one_owner
        CHECK (num_nonnulls(user_id, esc_id, job_family_id) = 1)
);

CREATE TABLE registry_authtoken (
    id              VARCHAR(36)   PRIMARY KEY,
    auth_subject_id VARCHAR(36)   NOT NULL REFERENCES registry_authsubject (id) ON DELETE CASCADE,
    -- The token encrypted with the platform's secrets key (never in plain text).
    token           VARCHAR(2048) NOT NULL,
    -- Hex SHA-256 of the token: how a presented token is found.
    token_hash      CHAR(64)      NOT NULL UNIQUE,
    create_time     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    expiry_time     TIMESTAMPTZ,
    active          BOOLEAN       NOT NULL DEFAULT TRUE,
    last_use_time   TIMESTAMPTZ
);
CREATE INDEX registry_authtoken_subject ON registry_authtoken (auth_subject_id);

CREATE TABLE registry_authresourcepermission (
    id              BIGSERIAL    PRIMARY KEY,
    auth_subject_id VARCHAR(36)  NOT NULL REFERENCES registry_authsubject (id) ON DELETE CASCADE,
    scope           VARCHAR(32)  NOT NULL,
    job_family_id   VARCHAR(36)  REFERENCES registry_jobfamily (id) ON DELETE CASCADE,
    job_id          VARCHAR(36)  REFERENCES registry_job (id) ON DELETE CASCADE,
    endpoint        VARCHAR(256),
    CONSTRAINT registry_authresourcepermission_scope CHECK (scope IN
        ('read_job', 'deploy_job', 'deploy_new_family', 'delete_job', 'call_job', 'call_admin_api', 'full_access'))
);
CREATE INDEX registry_authresourcepermission_subject ON registry_authresourcepermission (auth_subject_id);

CREATE TABLE registry_setting (
    name  VARCHAR(512) PRIMARY KEY,
    value JSONB
);

CREATE TABLE registry_asyncjobcall (
    id                   VARCHAR(36)  PRIMARY KEY,
    status               VARCHAR(32)  NOT NULL,
    started_at           TIMESTAMPTZ  NOT NULL,
    ended_at             TIMESTAMPTZ,
    error                TEXT,
    job_name             VARCHAR(512) NOT NULL,
    job_version          VARCHAR(256) NOT NULL,
    job_path             VARCHAR(1024) NOT NULL,
    request_method       VARCHAR(32)  NOT NULL,
    request_url          VARCHAR(4096) NOT NULL,
    request_headers      JSONB,
    request_body         BYTEA,
    response_status_code INTEGER,
    response_headers     JSONB,
    response_body        BYTEA,
    attempts             INTEGER      NOT NULL DEFAULT 0,
    pub_instance_addr    VARCHAR(256) NOT NULL DEFAULT '',
    retriable_error      BOOLEAN      NOT NULL DEFAULT FALSE,
    CONSTRAINT registry_asyncjobcall_status CHECK (status IN ('ongoing', 'completed', 'failed'))
);
CREATE INDEX registry_asyncjobcall_started_at ON registry_asyncjobcall (started_at);

INSERT INTO registry_setting (name, value) VALUES ('maintenance_mode', 'false');
