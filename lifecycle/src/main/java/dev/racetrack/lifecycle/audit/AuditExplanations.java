package dev.racetrack.lifecycle.audit;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Human texts of audit events (§3.10) and friendly "time ago" strings. */
public final class AuditExplanations {
  private AuditExplanations() {}

  /** E.g. {@code Job adder 1.0.0 (owned by alice) deleted by bob}. */
  public static String explain(
      String type,
      String executor,
      String subject,
      String jobName,
      String jobVersion,
      Map<String, Object> properties) {
    String job = "Job " + jobName + " " + jobVersion;
    String owned = subject == null ? "" : " (owned by " + subject + ")";
    String by = " by " + executor;
    return switch (type) {
      case AuditLog.JOB_DEPLOYED -> job + " deployed" + by;
      case AuditLog.JOB_REDEPLOYED ->
          job
              + owned
              + ("reprovision".equals(properties.get("mode")) ? " reprovisioned" : " redeployed")
              + by;
      case AuditLog.JOB_DELETED -> job + owned + " deleted" + by;
      case AuditLog.JOB_MOVED -> job + owned + " moved" + by + movedWhere(properties);
      case AuditLog.DEPLOYMENT_FAILED ->
          "Failed deployment of a job " + jobName + " " + jobVersion + ", attempted" + by;
      case "job_manifest_updated" ->
          "Manifest of job " + jobName + " " + jobVersion + owned + " updated" + by;
      case AuditLog.PLUGIN_INSTALLED ->
          "Plugin "
              + properties.get("plugin_name")
              + " "
              + properties.get("plugin_version")
              + " installed"
              + by;
      case AuditLog.PLUGIN_UNINSTALLED ->
          "Plugin "
              + properties.get("plugin_name")
              + " "
              + properties.get("plugin_version")
              + " uninstalled"
              + by;
      case "user_registered" -> "User " + subject + " registered (awaiting activation)";
      case "user_created" -> "Superuser " + subject + " created";
      case "user_updated" -> "User " + subject + " changed" + by + " " + properties;
      case "password_changed" -> "Password of " + subject + " changed" + by;
      case "permission_granted" ->
          "Permission "
              + properties.get("scope")
              + " granted to "
              + properties.get("subject")
              + scopeTarget(properties)
              + by;
      case "permission_revoked" ->
          "Permission " + properties.get("permission_id") + " revoked" + by;
      case "esc_created" -> "ESC " + properties.get("esc_name") + " created" + by;
      case "esc_deleted" -> "ESC " + properties.get("esc_name") + " deleted" + by;
      case "esc_token_created" -> "Token of ESC " + properties.get("esc_name") + " created" + by;
      case "esc_token_revoked" -> "Token of ESC " + properties.get("esc_name") + " revoked" + by;
      case "tokens_regenerated" ->
          "Tokens of " + properties.get("subject_type") + " subjects regenerated" + by;
      case "public_endpoint_changed" ->
          "Public endpoint request "
              + properties.get("request_id")
              + (Boolean.TRUE.equals(properties.get("active")) ? " activated" : " deactivated")
              + by;
      case "maintenance_enabled" -> "Maintenance mode enabled" + by;
      case "maintenance_disabled" -> "Maintenance mode disabled" + by;
      default -> type.replace('_', ' ') + by;
    };
  }

  private static String movedWhere(Map<String, Object> properties) {
    return properties.containsKey("to")
        ? " from " + properties.get("from") + " to " + properties.get("to")
        : "";
  }

  private static String scopeTarget(Map<String, Object> properties) {
    Object family = properties.get("job_family");
    Object job = properties.get("job_name");
    if (job != null) {
      return " on job " + job + " " + Objects.toString(properties.get("job_version"), "");
    }
    return family != null ? " on family " + family : " on every job";
  }

  /** "just now", "5 minutes ago", "yesterday", "3 weeks ago", ... */
  public static String timeAgo(Instant then, Instant now) {
    long seconds = Math.max(0, Duration.between(then, now).toSeconds());
    if (seconds < 10) {
      return "just now";
    }
    if (seconds < 60) {
      return seconds + " seconds ago";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes == 1 ? "a minute ago" : minutes + " minutes ago";
    }
    long hours = minutes / 60;
    if (hours < 24) {
      return hours == 1 ? "an hour ago" : hours + " hours ago";
    }
    long days = hours / 24;
    if (days < 7) {
      return days == 1 ? "yesterday" : days + " days ago";
    }
    if (days < 30) {
      long weeks = days / 7;
      return weeks == 1 ? "a week ago" : weeks + " weeks ago";
    }
    if (days < 365) {
      long months = days / 30;
      return months == 1 ? "a month ago" : months + " months ago";
    }
    long years = days / 365;
    return years == 1 ? "a year ago" : years + " years ago";
  }
}
