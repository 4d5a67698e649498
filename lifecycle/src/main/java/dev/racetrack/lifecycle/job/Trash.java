package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.model.Job;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Where a deleted job version goes: its row moves to the trash with the audit event in one
 * transaction (so the name+version cannot be reused without force), then its kept source goes.
 */
public final class Trash {
  private final Jdbi jdbi;
  private final JobRepository jobs;
  private final TrashRepository trash;
  private final AuditLog audit;
  private final BuildContexts contexts;

  public Trash(
      Jdbi jdbi,
      JobRepository jobs,
      TrashRepository trash,
      AuditLog audit,
      BuildContexts contexts) {
    this.jdbi = jdbi;
    this.jobs = jobs;
    this.trash = trash;
    this.audit = audit;
    this.contexts = contexts;
  }

  /** Trashes {@code job}, deleted by {@code executor}. */
  void add(Job job, String executor) {
    jdbi.useTransaction(
        h -> {
          audit.record(
              h,
              AuditLog.JOB_DELETED,
              executor,
              Optional.ofNullable(job.deployedBy()),
              Optional.of(job.name()),
              Optional.of(job.version()),
              Map.of());
          trash.moveToTrash(h, job.id());
          jobs.delete(h, job.id());
        });
    contexts.delete(job.name(), job.version());
  }
}
