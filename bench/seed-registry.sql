-- The rows the control-plane benchmarks seed into a running platform's database: :families job
-- families of 5 versions each (running, lost, error; realistic manifests; some never called) and
-- :events audit events spread over the families. Run with psql:
--   psql -v families=2000 -v events=1000000 -c "SET search_path TO racetrack" -f bench/seed-registry.sql
INSERT INTO registry_jobfamily (id, name)
SELECT 'bench-family-' || f, 'bench-job-' || f FROM generate_series(1, :families) AS f;
INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time, manifest,
  internal_name, image_tag, deployed_by, last_call_time, infrastructure_target, replica_internal_names,
  job_type_version, infrastructure_stats)
SELECT 'bench-' || f || '-' || v, 'bench-family-' || f, 'bench-job-' || f, v || '.0.0',
  CASE (f * 5 + v) % 20 WHEN 0 THEN 'lost' WHEN 1 THEN 'error' ELSE 'running' END,
  now() - ((f * 5 + v) % 120) * INTERVAL '1 day', now() - ((f * 5 + v) % 90) * INTERVAL '1 day',
  'name: bench-job-' || f || E'\nowner_email: team-' || (f % 40) || E'@example.com\njobtype: python3:latest\n'
    || E'git:\n  remote: https://git.example.com/team/bench-job-' || f || E'.git\n  directory: jobs/bench\n'
    || E'jobtype_extra:\n  entrypoint_path: job.py\n  entrypoint_class: Job\n  requirements_path: requirements.txt\n'
    || E'resources:\n  memory_max: 1Gi\n  cpu_max: 1\nlabels:\n  team: team-' || (f % 40) || E'\n  tier: bench\n'
    || E'runtime_env:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: a,b,c\n',
  'bench-job-' || f || '-v-' || v || '-0-0', 'bench-job-' || f || ':' || v || '.0.0', 'user' || (f % 50),
  CASE WHEN v % 3 = 0 THEN NULL ELSE now() - (f % 60) * INTERVAL '1 day' END, 'bench-target',
  '127.0.0.1:' || (20000 + f), 'python3:2.15.1', '{"number_of_restarts": 0}'
FROM generate_series(1, :families) AS f, generate_series(1, 5) AS v;
INSERT INTO registry_auditlogevent (id, version, timestamp, event_type, properties, username_executor,
  username_subject, job_name, job_version)
SELECT 'bench-event-' || i, 1, now() - i * INTERVAL '2 seconds',
  CASE i % 4 WHEN 0 THEN 'job_deployed' WHEN 1 THEN 'job_redeployed' WHEN 2 THEN 'job_deleted' ELSE 'job_moved' END,
  '{}', CASE WHEN i % 10 = 0 THEN 'admin' ELSE 'user' || (i % 50) END, 'user' || (i % 40),
  'bench-job-' || (i % :families + 1), (i % 5 + 1) || '.0.0'
FROM generate_series(1, :events) AS i;
VACUUM ANALYZE registry_job;
VACUUM ANALYZE registry_auditlogevent;
