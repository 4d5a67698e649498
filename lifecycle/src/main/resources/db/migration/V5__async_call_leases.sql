-- Async job calls owned through a lease (issue 8): the PUB that runs a task holds it until
-- lease_until and renews it while the call runs; a PUB claims ongoing tasks whose lease expired.
ALTER TABLE registry_asyncjobcall
    ADD COLUMN owner_id    VARCHAR(128) NOT NULL DEFAULT '',
    ADD COLUMN lease_until TIMESTAMPTZ;

CREATE INDEX registry_asyncjobcall_ongoing_lease ON registry_asyncjobcall (lease_until)
    WHERE status = 'ongoing';
