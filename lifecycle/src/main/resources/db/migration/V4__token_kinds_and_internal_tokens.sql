-- Issue #7 §3. A user's stored tokens are of two kinds: 'api' (the long-lived token of the profile,
-- the CLI and `racetrack login`, kept until regenerated) and 'session' (one per browser login,
-- expiring, revoked by its logout).
ALTER TABLE registry_authtoken ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'api'
    CHECK (kind IN ('api', 'session'));

-- Internal (service) tokens made by `admin generate-auth`: listed by their seed (the JWT's unique
-- id) so each can be revoked; a token whose seed is not here is not accepted.
CREATE TABLE registry_internal_token (
    seed        VARCHAR(64)  PRIMARY KEY,
    subject     VARCHAR(256) NOT NULL,
    create_time TIMESTAMPTZ  NOT NULL DEFAULT now(),
    expiry_time TIMESTAMPTZ  NOT NULL,
    revoke_time TIMESTAMPTZ
);
