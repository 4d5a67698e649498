package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
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

  /**
   * Trashes the version {@code job} names, deleted by {@code executor}, under the version's lock
   * (the one its deployments take to register): the row is read again under it and handed to {@code
   * stop} (which stops the version where that row says it runs) before it moves to the trash, all
   * in one transaction; a failing {@code stop} trashes nothing. A move that registered meanwhile is
   * stopped on its new target; one that registers afterwards finds no row and undoes itself.
   *
   * @return the row trashed
   */
  Job add(Job job, String executor, Consumer<Job> stop) {
    Job trashed =
        jdbi.inTransaction(
            h -> {
              JobRepository.lockVersion(h, job.name(), job.version());
              Job current =
                  jobs.find(h, job.name(), job.version())
                      .orElseThrow(
                          () ->
                              new NotFoundException(
                                  "job " + job.name() + " v" + job.version() + " was deleted"));
              stop.accept(current);
              audit.record(
                  h,
                  AuditLog.JOB_DELETED,
                  executor,
                  Optional.ofNullable(current.deployedBy()),
                  Optional.of(current.name()),
                  Optional.of(current.version()),
                  Map.of());
              trash.moveToTrash(h, current.id());
              jobs.delete(h, current.id());
              return current;
            });
    contexts.delete(trashed.name(), trashed.version());
    return trashed;
  }
}
