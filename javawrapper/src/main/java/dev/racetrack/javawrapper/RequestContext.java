package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The request being handled by {@code perform}, for job code that wants to read its headers (for
 * instance the caller name) and for {@link JobCalls}, which propagates the tracing id and caller
 * name to the jobs it calls.
 *
 * <p>The wrapper keeps it in a {@link ThreadLocal} set around the call to {@code perform} (each
 * request runs on its own virtual thread). {@code ScopedValue} would be the better fit but is a
 * preview API in Java 21, the release jobs are compiled for. Threads started by job code do not see
 * the context: capture it with {@link #current()} and hand work over with {@link #wrap(Callable)}.
 *
 * @param method HTTP method of the request
 * @param path full request path as received, e.g. {@code /pub/job/adder/latest/api/v1/perform}
 * @param headers request headers, names case-insensitive
 */
public record RequestContext(String method, String path, Map<String, List<String>> headers) {

  private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

  public RequestContext {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = Collections.unmodifiableMap(copy);
  }

  /** The request handled by the current thread, if it is running {@code perform}. */
  public static Optional<RequestContext> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** The first value of a header (name case-insensitive). */
  public Optional<String> header(String name) {
    List<String> values = headers.getOrDefault(name, List.of());
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Wraps a task so that it runs with this context, e.g. on an executor started by job code. */
  public <T> Callable<T> wrap(Callable<T> task) {
    return () -> callWith(this, task);
  }

  static <T> T callWith(RequestContext context, Callable<T> task) throws Exception {
    RequestContext previous = CURRENT.get();
    CURRENT.set(context);
    try {
      return task.call();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
