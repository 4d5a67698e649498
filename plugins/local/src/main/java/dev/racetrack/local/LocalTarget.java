package dev.racetrack.local;

import dev.racetrack.model.JobStatus;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.Quantity;
import dev.racetrack.spi.ArtifactStore;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProbe;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobStartException;
import dev.racetrack.spi.JobState;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Sandbox;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local infrastructure target: every job version is an OS process listening on a free loopback
 * port. Jobs outlive the platform process; a restarted platform adopts them from their state files.
 * Crashed jobs are restarted with backoff. A redeployed version keeps serving until its replacement
 * is ready.
 */
public final class LocalTarget implements InfrastructureTarget {
  private static final Logger LOG = LoggerFactory.getLogger(LocalTarget.class);
  public static final String NAME = "local";
  private static final long DEFAULT_MEMORY_LIMIT = 1L << 30;

  private final LocalStore store;
  private final JobProcess processes;
  private final Optional<JobCgroups> cgroups;
  private final JobProbe probe;
  private final Clock clock;
  private final long logMaxBytes;
  private final int logBackups;
  private final Map<String, ManagedJob> jobs = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /** Per job, the cgroup's OOM kill count when its process started (to tell an OOM kill). */
  private final Map<String, Long> oomKillsSeen = new ConcurrentHashMap<>();

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("local-target").daemon().factory());

  /** Settings of the local target. */
  record Settings(
      long logMaxBytes,
      int logBackups,
      Map<String, String> platformEnv,
      List<String> passEnv,
      Sandbox sandbox,
      Optional<JobCgroups> cgroups) {}

  private final String name;

  LocalTarget(String name, LocalStore store, Settings settings, JobProbe probe, Clock clock) {
    this.name = name;

    this.store = store;
    this.processes = new JobProcess(settings.platformEnv(), settings.passEnv(), settings.sandbox());
    this.cgroups = settings.cgroups();
    this.probe = probe;
    this.clock = clock;
    this.logMaxBytes = settings.logMaxBytes();
    this.logBackups = settings.logBackups();
    if (!JobProcess.canLimit()) {
      LOG.warn("prlimit not found: jobs run without a memory limit");
    }
    if (!JobProcess.canDetach()) {
      LOG.warn("setsid not found: jobs will stop together with the platform's terminal session");
    }
    adoptAll();
  }

  @Override
  public String name() {
    return name;
  }

  /** Takes over the jobs a previous platform process started; restarts the ones that died. */
  private void adoptAll() {
    for (LocalJobState state : store.states()) {
      String resource = Manifest.resourceName(state.name(), state.version());
      killCandidate(resource);
      ManagedJob job =
          new ManagedJob(resource, store.log(resource, logMaxBytes, logBackups), state);
      jobs.put(resource, job);
      Optional<ProcessHandle> running = JobProcess.find(state.pid(), state.processStart());
      if (running.isPresent()) {
        job.started(running.get(), clock.instant(), false);
        oomKillsSeen.put(resource, cgroups.map(c -> c.oomKills(resource)).orElse(0L));
        watch(job, running.get());
        LOG.info(
            "adopted running job {} v{} (pid {}, port {})",
            state.name(),
            state.version(),
            state.pid(),
            state.port());
      } else {
        LOG.warn(
            "job {} v{} is not running any more, restarting it", state.name(), state.version());
        scheduler.execute(() -> restart(job));
      }
    }
  }

  /** Kills an instance whose start was interrupted by a platform crash. */
  private void killCandidate(String resource) {
    store
        .candidate(resource)
        .flatMap(
            c ->
                JobProcess.find(
                    ((Number) c.get("pid")).longValue(), String.valueOf(c.get("start"))))
        .ifPresent(JobProcess::stop);
    store.clearCandidate(resource);
  }

  @Override
  public DeployedJob deploy(JobProvision provision, Consumer<String> phases) {
    String resource = provision.manifest().resourceName();
    synchronized (lock(resource)) {
      Path artifact = Path.of(provision.imageName());
      LaunchSpec spec = ArtifactStore.readLaunch(artifact);
      int port = freePort();
      Map<String, String> env = new HashMap<>(provision.fullEnv());
      env.put("JOB_HTTP_ADDR", "127.0.0.1");
      env.put("JOB_HTTP_PORT", Integer.toString(port));
      LogFile log = store.log(resource, logMaxBytes, logBackups);
      phases.accept("starting Job server");
      long memoryLimit = memoryLimit(provision.manifest());
      long cpuQuota = JobCgroups.cpuQuotaMicros(provision.manifest());
      ProcessHandle handle;
      try {
        handle =
            processes.start(
                spec,
                artifact,
                env,
                log.path(),
                rlimitData(memoryLimit),
                joinCgroups(resource, cpuQuota, memoryLimit));
      } catch (RuntimeException e) {
        releaseUnusedCgroups(resource);
        throw e;
      }
      store.writeCandidate(resource, handle.pid(), JobProcess.startOf(handle));
      try {
        probe.awaitReady(
            "http://127.0.0.1:" + port,
            provision.deploymentTimestamp(),
            provision.readinessTimeout(),
            handle::isAlive,
            () -> phases.accept("initializing Job entrypoint"));
      } catch (JobStartException e) {
        JobProcess.stop(handle);
        store.clearCandidate(resource);
        releaseUnusedCgroups(resource);
        throw new JobStartException(
            e.getMessage() + "\nRecent logs of the job:\n" + String.join("\n", log.lastLines(20)),
            e);
      }
      promote(
          resource,
          provision,
          new Started(artifact, port, env, memoryLimit, cpuQuota),
          log,
          handle);
      String address = "127.0.0.1:" + port;
      return new DeployedJob(address, List.of(address), Map.of("number_of_restarts", 0));
    }
  }

  /** How a new instance was started. */
  private record Started(
      Path artifact, int port, Map<String, String> env, long memoryLimit, long cpuQuota) {}

  /** The command prefix that puts a job into its cgroups (created or updated); none without. */
  private List<String> joinCgroups(String resource, long cpuQuotaMicros, long memoryBytes) {
    List<String> join =
        cgroups.map(c -> c.joinCommand(resource, cpuQuotaMicros, memoryBytes)).orElse(List.of());
    oomKillsSeen.put(resource, cgroups.map(c -> c.oomKills(resource)).orElse(0L));
    return join;
  }

  /**
   * The data size limit (RLIMIT_DATA) standing in for a memory limit where no memory cgroup is
   * there; none where the cgroup enforces it (a cap on address space would make the job fail to
   * allocate instead of being OOM-killed and reported, and breaks runtimes that reserve more than
   * they use).
   */
  private long rlimitData(long memoryLimit) {
    return cgroups.filter(JobCgroups::limitsMemory).isPresent() ? 0 : memoryLimit;
  }

  /** Why a job's process ended, when the cgroup tells: the OOM killer. */
  private String exitCause(ManagedJob job) {
    String resource = job.resourceName();
    long kills = cgroups.map(c -> c.oomKills(resource)).orElse(0L);
    Long seen = oomKillsSeen.put(resource, kills);
    if (seen == null || kills <= seen) {
      return "";
    }
    return "killed by the kernel's OOM killer: it used more than its memory limit of "
        + job.state().memoryLimitBytes()
        + " bytes (resources.memory_max)";
  }

  /** Removes the cgroups of a job whose first start failed (a running version keeps them). */
  private void releaseUnusedCgroups(String resource) {
    if (!jobs.containsKey(resource)) {
      cgroups.ifPresent(c -> c.remove(resource));
    }
  }

  /**
   * The job's memory limit: {@code resources.memory_max}, or the platform default of 1 GiB (the
   * reference's {@code default_job_memory_max}).
   */
  static long memoryLimit(Manifest manifest) {
    return Optional.ofNullable(manifest.resources())
        .map(Manifest.Resources::memoryMax)
        .map(m -> Quantity.parse(m, "resources.memory_max").value().longValue())
        .orElse(DEFAULT_MEMORY_LIMIT);
  }

  private void promote(
      String resource, JobProvision provision, Started started, LogFile log, ProcessHandle handle) {
    Manifest manifest = provision.manifest();
    Path artifact = started.artifact();
    int port = started.port();
    Map<String, String> env = started.env();
    ManagedJob job =
        new ManagedJob(
            resource,
            log,
            new LocalJobState(
                manifest.name(),
                manifest.version(),
                artifact.toString(),
                provision.deploymentTimestamp(),
                port,
                0,
                "",
                0,
                started.memoryLimit(),
                started.cpuQuota()));
    LocalJobState state = job.started(handle, clock.instant(), false);
    store.writeEnv(resource, env);
    store.writeState(resource, state);
    store.clearCandidate(resource);
    ManagedJob previous = jobs.put(resource, job);
    if (previous != null) {
      previous.stop().ifPresent(JobProcess::stop);
    }
    watch(job, handle);
  }

  private void watch(ManagedJob job, ProcessHandle handle) {
    handle.onExit().thenRun(() -> onExit(job, handle));
  }

  private void onExit(ManagedJob job, ProcessHandle handle) {
    if (scheduler.isShutdown() || !job.isCurrent(handle)) {
      return; // stopped on purpose or replaced
    }
    String cause = exitCause(job);
    Duration delay = job.crashed(clock.instant(), cause);
    LOG.warn(
        "job {} exited unexpectedly{}; restarting in {} s",
        job.resourceName(),
        cause.isEmpty() ? "" : " (" + cause + ")",
        delay.toSeconds());
    scheduler.schedule(() -> restart(job), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One job's lock: its deploy, delete and restarts take turns, so a restart never starts a process
   * for a job that a delete or redeploy stopped while the restart was under way (an orphan process,
   * and state written back for a deleted job that the next platform would adopt).
   */
  Object lock(String resource) {
    return locks.computeIfAbsent(resource, k -> new Object());
  }

  private void restart(ManagedJob job) {
    synchronized (lock(job.resourceName())) {
      if (job.isStopped() || job.process().map(ProcessHandle::isAlive).orElse(false)) {
        return;
      }
      restartStopped(job);
    }
  }

  private void restartStopped(ManagedJob job) {
    LocalJobState state = job.state();
    try {
      Path artifact = Path.of(state.artifactDir());
      ProcessHandle handle =
          processes.start(
              ArtifactStore.readLaunch(artifact),
              artifact,
              store.readEnv(job.resourceName()),
              job.log().path(),
              rlimitData(state.memoryLimitBytes()),
              joinCgroups(
                  job.resourceName(),
                  state.cpuQuotaMicros() > 0
                      ? state.cpuQuotaMicros()
                      : JobCgroups.cpuQuotaMicros(JobCgroups.DEFAULT_CPU_MAX),
                  state.memoryLimitBytes() > 0 ? state.memoryLimitBytes() : DEFAULT_MEMORY_LIMIT));
      LocalJobState updated = job.started(handle, clock.instant(), true);
      store.writeState(job.resourceName(), updated);
      watch(job, handle);
      LOG.info(
          "restarted job {} (pid {}, restart #{})",
          job.resourceName(),
          handle.pid(),
          updated.restarts());
    } catch (RuntimeException e) {
      job.failedToRestart(e.getMessage());
      LOG.error("cannot restart job {}: {}", job.resourceName(), e.toString());
      scheduler.schedule(() -> restart(job), 60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void delete(String jobName, String jobVersion) {
    String resource = Manifest.resourceName(jobName, jobVersion);
    synchronized (lock(resource)) {
      ManagedJob job = jobs.remove(resource);
      if (job != null) {
        job.stop().ifPresent(JobProcess::stop);
      }
      killCandidate(resource);
      cgroups.ifPresent(c -> c.remove(resource));
      store.deleteAll(resource);
    }
  }

  /** Health probes run at once by {@link #list()} (each waits up to a few seconds). */
  static final int PROBE_CONCURRENCY = 16;

  /**
   * Every job's state; running jobs are probed in parallel, at most {@link #PROBE_CONCURRENCY} at a
   * time, so one pass over many jobs takes about (jobs / concurrency) probes, not one per job.
   */
  @Override
  public List<JobState> list() {
    List<JobState> states = new ArrayList<>();
    List<Future<JobState>> probed = new ArrayList<>();
    Semaphore slots = new Semaphore(PROBE_CONCURRENCY);
    try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ManagedJob job : jobs.values()) {
        job.log().rotateIfNeeded();
        LocalJobState state = job.state();
        String address = "127.0.0.1:" + state.port();
        Map<String, Object> stats =
            job.lastCrashCause().isEmpty()
                ? Map.of("number_of_restarts", state.restarts())
                : Map.of(
                    "number_of_restarts", state.restarts(), "last_crash", job.lastCrashCause());
        boolean alive = job.process().map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
          String problem = job.problem().isEmpty() ? "job process is not running" : job.problem();
          states.add(
              new JobState(
                  state.name(),
                  state.version(),
                  JobStatus.ERROR,
                  Optional.of(problem),
                  address,
                  List.of(address),
                  stats,
                  OptionalLong.empty()));
          continue;
        }
        probed.add(
            probes.submit(
                () -> {
                  slots.acquire();
                  try {
                    JobProbe.Health health = probe.probe("http://" + address);
                    return new JobState(
                        state.name(),
                        state.version(),
                        health.ready() ? JobStatus.RUNNING : JobStatus.ERROR,
                        health.error(),
                        address,
                        List.of(address),
                        stats,
                        health.lastCallTime());
                  } finally {
                    slots.release();
                  }
                }));
      }
      for (Future<JobState> state : probed) {
        states.add(state.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing jobs", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("probing a job failed: " + e.getCause(), e.getCause());
    }
    return states;
  }

  @Override
  public String recentLogs(String jobName, String jobVersion, int tail) {
    return store
        .log(Manifest.resourceName(jobName, jobVersion), logMaxBytes, logBackups)
        .tail(tail);
  }

  @Override
  public Closeable followLogs(
      String jobName, String jobVersion, int tail, Consumer<String> onLine) {
    return new LogFollower(
        store.log(Manifest.resourceName(jobName, jobVersion), logMaxBytes, logBackups),
        tail,
        onLine);
  }

  @Override
  public void saveSecrets(String jobName, String jobVersion, JobSecrets secrets) {
    store.writeSecrets(Manifest.resourceName(jobName, jobVersion), secrets);
  }

  @Override
  public Optional<JobSecrets> secrets(String jobName, String jobVersion) {
    return store.readSecrets(Manifest.resourceName(jobName, jobVersion));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port: " + e.getMessage(), e);
    }
  }

  /**
   * Stops watching; the jobs keep running and a later platform process adopts them. A restart under
   * way finishes first (up to 10 s), so nothing writes the target's files once this returns.
   */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("the local target's restart of a job is still running after 10 s; not waiting");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
