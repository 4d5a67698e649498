-- Control plane at scale (issue 10): the unpaged job list and portfolio answer every job with its
-- manifest as JSON. PostgreSQL builds each job's JSON (row_to_json), so the parsed manifest is kept
-- beside its YAML: manifest_json is the manifest as the API shows it (the YAML parsed by the
-- lifecycle), a cache. NULL means "not parsed yet": the listing that meets such a row parses the YAML
-- and stores the JSON. A change of the manifest clears it (the trigger below), whoever writes it.
-- Type JSON (not JSONB): its text is kept as written, key order included, and row_to_json copies it
-- without parsing it again.
ALTER TABLE registry_job ADD COLUMN manifest_json JSON;

CREATE FUNCTION racetrack_clear_manifest_json() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.manifest IS DISTINCT FROM OLD.manifest
        AND CAST(NEW.manifest_json AS TEXT) IS NOT DISTINCT FROM CAST(OLD.manifest_json AS TEXT) THEN
        NEW.manifest_json := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER registry_job_manifest_changed
    BEFORE UPDATE OF manifest ON registry_job
    FOR EACH ROW EXECUTE FUNCTION racetrack_clear_manifest_json();
