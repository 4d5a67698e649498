package dev.racetrack.javawrapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Prometheus metrics of job calls, rendered in the text exposition format 0.0.4. Only calls to job
 * code are counted (not probes or scrapes), as in the python wrapper.
 */
final class JobMetrics {
  /** Upper bounds (seconds) of the request_duration_seconds buckets; +Inf is implied. */
  static final double[] DURATION_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final Clock clock;
  private long requestsStarted;
  private long requestsDone;
  private double lastCallTimestamp;
  private final Map<String, Long> endpointStarted = new TreeMap<>();
  private final Map<String, Long> internalErrors = new TreeMap<>();
  private final Map<String, Histogram> durations = new TreeMap<>();

  private static final class Histogram {
    final long[] counts = new long[DURATION_BUCKETS.length + 1];
    double sum;
    long count;

    Histogram copy() {
      Histogram copy = new Histogram();
      System.arraycopy(counts, 0, copy.counts, 0, counts.length);
      copy.sum = sum;
      copy.count = count;
      return copy;
    }
  }

  JobMetrics(Clock clock) {
    this.clock = clock;
  }

  synchronized void callStarted(String endpoint) {
    requestsStarted++;
    endpointStarted.merge(endpoint, 1L, Long::sum);
    lastCallTimestamp = now();
  }

  synchronized void callDone(String endpoint, double seconds, boolean internalError) {
    requestsDone++;
    lastCallTimestamp = now();
    Histogram histogram = durations.computeIfAbsent(endpoint, e -> new Histogram());
    int bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]) {
      bucket++;
    }
    histogram.counts[bucket]++;
    histogram.sum += seconds;
    histogram.count++;
    if (internalError) {
      internalErrors.merge(endpoint, 1L, Long::sum);
    }
  }

  /** Renders the wrapper's metrics followed by the job's own gauges. */
  String render(List<CustomGauge> customGauges) {
    long started;
    long done;
    double lastCall;
    Map<String, Long> endpoints;
    Map<String, Long> errors;
    Map<String, Histogram> histograms = new TreeMap<>();
    synchronized (this) {
      started = requestsStarted;
      done = requestsDone;
      lastCall = lastCallTimestamp;
      endpoints = new TreeMap<>(endpointStarted);
      errors = new TreeMap<>(internalErrors);
      durations.forEach((endpoint, histogram) -> histograms.put(endpoint, histogram.copy()));
    }
    List<String> out = new ArrayList<>();
    family(
        out,
        "requests_started_total",
        "counter",
        "Total number of started requests calling the job (may be not finished yet)");
    out.add("requests_started_total " + started);
    family(
        out,
        "requests_done_total",
        "counter",
        "Total number of finished requests calling the job (processed and done)");
    out.add("requests_done_total " + done);
    family(
        out,
        "request_internal_errors_total",
        "counter",
        "Number of server errors when calling the job");
    errors.forEach(
        (endpoint, count) ->
            out.add(sample("request_internal_errors_total", Map.of("endpoint", endpoint), count)));
    family(
        out,
        "endpoint_requests_started_total",
        "counter",
        "Total number of started requests calling the job, per endpoint");
    endpoints.forEach(
        (endpoint, count) ->
            out.add(
                sample("endpoint_requests_started_total", Map.of("endpoint", endpoint), count)));
    family(out, "request_duration_seconds", "histogram", "Duration of job calls in seconds");
    histograms.forEach((endpoint, histogram) -> renderHistogram(out, endpoint, histogram));
    family(
        out,
        "last_call_timestamp",
        "gauge",
        "Unix timestamp (seconds) of the last call to the job, 0 if never called");
    out.add("last_call_timestamp " + number(lastCall));
    renderProcess(out);
    renderCustom(out, customGauges);
    out.add("");
    return String.join("\n", out);
  }

  private static void renderHistogram(List<String> out, String endpoint, Histogram histogram) {
    long cumulative = 0;
    for (int i = 0; i < DURATION_BUCKETS.length; i++) {
      cumulative += histogram.counts[i];
      out.add(
          sample(
              "request_duration_seconds_bucket",
              labels(endpoint, number(DURATION_BUCKETS[i])),
              cumulative));
    }
    out.add(sample("request_duration_seconds_bucket", labels(endpoint, "+Inf"), histogram.count));
    out.add(
        "request_duration_seconds_sum{endpoint=\""
            + escape(endpoint)
            + "\"} "
            + number(histogram.sum));
    out.add(
        sample("request_duration_seconds_count", Map.of("endpoint", endpoint), histogram.count));
  }

  private static Map<String, String> labels(String endpoint, String le) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("endpoint", endpoint);
    labels.put("le", le);
    return labels;
  }

  /**
   * The standard process metrics a dashboard plots per job: CPU, resident memory, start, heap. Read
   * from {@link ProcessHandle}, {@code /proc} and {@link Runtime}, not the JMX beans: the first
   * {@code ManagementFactory} call starts the platform's bean providers and {@code
   * java.util.logging}, 1.3-1.8 MB that each java job would keep after its first scrape
   * (docs/benchmarks.md, "java adder RSS: a lighter start").
   */
  private static void renderProcess(List<String> out) {
    ProcessHandle.Info process = ProcessHandle.current().info();
    process
        .totalCpuDuration()
        .ifPresent(
            cpu -> {
              family(
                  out,
                  "process_cpu_seconds_total",
                  "counter",
                  "Total user and system CPU time spent in seconds");
              out.add("process_cpu_seconds_total " + number(cpu.toNanos() / 1e9));
            });
    residentMemoryBytes()
        .ifPresent(
            rss -> {
              family(
                  out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes");
              out.add("process_resident_memory_bytes " + rss);
            });
    process
        .startInstant()
        .ifPresent(
            start -> {
              family(
                  out,
                  "process_start_time_seconds",
                  "gauge",
                  "Start time of the process since unix epoch in seconds");
              out.add("process_start_time_seconds " + number(start.toEpochMilli() / 1000.0));
            });
    family(out, "jvm_memory_used_bytes", "gauge", "Used bytes of the JVM's heap");
    Runtime runtime = Runtime.getRuntime();
    out.add(
        "jvm_memory_used_bytes{area=\"heap\"} " + (runtime.totalMemory() - runtime.freeMemory()));
  }

  /** VmRSS from /proc on Linux; elsewhere the metric is left out rather than made up. */
  private static OptionalLong residentMemoryBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String value = line.substring(6).strip(); // "12345 kB"
          int unit = value.indexOf(' ');
          return OptionalLong.of(
              Long.parseLong(unit < 0 ? value : value.substring(0, unit)) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc not mounted
    }
    return OptionalLong.empty();
  }

  private static void renderCustom(List<String> out, List<CustomGauge> gauges) {
    Map<String, List<CustomGauge>> byName = new TreeMap<>();
    gauges.forEach(g -> byName.computeIfAbsent(g.name(), n -> new ArrayList<>()).add(g));
    byName.forEach(
        (name, samples) -> {
          family(out, name, "gauge", samples.get(0).description());
          for (CustomGauge gauge : samples) {
            out.add(name + labelText(gauge.labels()) + " " + number(gauge.value()));
          }
        });
  }

  private static String sample(String name, Map<String, String> labels, long value) {
    return name + labelText(labels) + " " + value;
  }

  private static String labelText(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    labels.forEach((key, value) -> parts.add(key + "=\"" + escape(value) + "\""));
    return "{" + String.join(",", parts) + "}";
  }

  private static void family(List<String> out, String name, String kind, String help) {
    out.add("# HELP " + name + " " + help.replace("\\", "\\\\").replace("\n", " "));
    out.add("# TYPE " + name + " " + kind);
  }

  static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return BigDecimal.valueOf(value).toPlainString();
  }

  private double now() {
    return clock.millis() / 1000.0;
  }
}
