-- Least privilege (issue #7): users no longer hold deploy_job on every job. A non-staff user who
-- had the old global default keeps deploy_job and delete_job only on the families they deployed
-- (a job or a deleted job of the family names them as deployer); the global grant goes.
-- Staff keep what they have.

INSERT INTO registry_authresourcepermission (auth_subject_id, scope, job_family_id)
SELECT DISTINCT s.id, sc.scope, f.id
FROM registry_authresourcepermission p
JOIN registry_authsubject s ON s.id = p.auth_subject_id
JOIN auth_user u ON u.id = s.user_id
JOIN (SELECT name, deployed_by FROM registry_job
      UNION SELECT name, deployed_by FROM registry_trashjob) d ON d.deployed_by = u.username
JOIN registry_jobfamily f ON f.name = d.name
CROSS JOIN (VALUES ('deploy_job'), ('delete_job')) AS sc (scope)
WHERE p.scope = 'deploy_job' AND p.job_family_id IS NULL AND p.job_id IS NULL AND p.endpoint IS NULL
  AND NOT (u.is_staff OR u.is_superuser)
  AND NOT EXISTS (
    SELECT 1 FROM registry_authresourcepermission q
    WHERE q.auth_subject_id = s.id AND q.scope = sc.scope AND q.job_family_id = f.id
      AND q.job_id IS NULL AND q.endpoint IS NULL);

DELETE FROM registry_authresourcepermission p
USING registry_authsubject s, auth_user u
WHERE s.id = p.auth_subject_id AND u.id = s.user_id AND NOT (u.is_staff OR u.is_superuser)
  AND p.scope = 'deploy_job' AND p.job_family_id IS NULL AND p.job_id IS NULL AND p.endpoint IS NULL;
