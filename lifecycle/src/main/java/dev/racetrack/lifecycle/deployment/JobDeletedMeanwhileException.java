package dev.racetrack.lifecycle.deployment;

import dev.racetrack.model.error.NotFoundException;
import java.util.Locale;

/**
 * A redeployment, reprovisioning or move of a job version that was deleted while it ran: it is not
 * registered (a deleted job does not come back), and what it started is removed again.
 */
final class JobDeletedMeanwhileException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  JobDeletedMeanwhileException(DeploymentTask task) {
    super(
        "job "
            + task.jobName()
            + " v"
            + task.jobVersion()
            + " was deleted while this "
            + task.kind().name().toLowerCase(Locale.ROOT)
            + " ran: it is not started again");
  }
}
