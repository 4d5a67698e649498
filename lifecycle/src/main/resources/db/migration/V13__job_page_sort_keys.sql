-- Control plane at scale (issue 10): job pages are sorted, filtered and cut at their cursor by
-- PostgreSQL. Every page order ends with the job's name, then its version newest first, so the
-- version needs a key that sorts (bytewise, COLLATE "C") the way dev.racetrack.model.version.SemVer
-- .compareText orders versions: anything that is not SemVer first (by text), then SemVer by
-- precedence (major, minor, patch numerically; a release above its pre-releases; pre-release
-- identifiers numeric ones first and by value, others by text; fewer identifiers first; build
-- metadata ignored). JobSortKeyIT checks this function against the Java order.
CREATE FUNCTION racetrack_version_key(version TEXT) RETURNS TEXT
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS
$$
DECLARE
    parts TEXT[];
    ident TEXT;
    key   TEXT;
    first BOOLEAN := TRUE;
BEGIN
    parts := regexp_match(version,
        '^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)'
        || '(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)'
        || '(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?'
        || '(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$');
    IF parts IS NULL
        OR length(parts[1]) > 19 OR length(parts[2]) > 19 OR length(parts[3]) > 19
        OR parts[1]::NUMERIC > 9223372036854775807 OR parts[2]::NUMERIC > 9223372036854775807
        OR parts[3]::NUMERIC > 9223372036854775807 THEN
        RETURN '0' || version;
    END IF;
    key := '1' || lpad(parts[1], 19, '0') || '.' || lpad(parts[2], 19, '0') || '.' || lpad(parts[3], 19, '0');
    IF parts[4] IS NULL OR parts[4] = '' THEN
        RETURN key || '~';
    END IF;
    key := key || '!';
    FOREACH ident IN ARRAY string_to_array(parts[4], '.') LOOP
        IF NOT first THEN
            key := key || chr(1);
        END IF;
        first := FALSE;
        IF ident ~ '^[0-9]+$' THEN
            key := key || '#' || lpad(length(ident)::TEXT, 4, '0') || ident;
        ELSE
            key := key || '%' || ident;
        END IF;
    END LOOP;
    RETURN key;
END
$$;

-- Stored once per row (a version never changes): pages sort by it without calling the function.
ALTER TABLE registry_job ADD COLUMN version_key TEXT
    GENERATED ALWAYS AS (racetrack_version_key(version)) STORED;

-- Pages by name (families, newest version first) read this index in order.
CREATE INDEX registry_job_name_version_key
    ON registry_job (name COLLATE "C", version_key COLLATE "C" DESC, version COLLATE "C" DESC);
