package dev.racetrack.java;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.racetrack.javawrapper.JobConfig;
import dev.racetrack.javawrapper.JobMain;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.Quantity;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildTools;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Sandbox;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The {@code java} job type: compiles the job's sources with the platform's JDK ({@code
 * -parameters}, so JSON fields bind to parameters by name) and runs them with the java wrapper.
 */
public final class JavaJobType implements JobType {
  public static final String VERSION = "1.0.0";
  static final String WRAPPER_MAIN = JobMain.class.getName();

  /**
   * JVM options of every java job, chosen for a small resident size at full speed (the job's own
   * {@code jvm_args} come after them and win; measured in docs/benchmarks.md): the serial collector
   * with a small young generation and a heap that grows (and shrinks) only as the job needs; the C2
   * compiler alone on one thread (tiered compilation keeps C1 code, profiles and a second compiler
   * thread; C1 alone serves a third fewer requests); small thread stacks, code cache and direct
   * memory; no perf-data file. Netty's Flight Recorder events are off: with them on, Netty's pooled
   * allocator loads JFR's event machinery (about 100 JDK classes and JFR's metadata) into every
   * job, 1-5 MB of resident memory (docs/benchmarks.md, "java adder RSS: flags"). No class data
   * sharing: the JDK's archive is mapped whole and dirtied by relocation (14 MB resident), more
   * than the JDK classes a job loads itself. {@code sun.misc.unsafe.memory.access=allow}, the
   * system property behind Java 23+'s {@code --sun-misc-unsafe-memory-access} (ignored by older
   * runtimes, which allow it anyway), lets Netty read its direct-memory limit directly: on Java 25
   * without it Netty asks the JMX beans, which start {@code java.util.logging}, streams and regular
   * expressions in every job (docs/benchmarks.md, "java adder RSS: a lighter start"). Native access
   * for the class path (known since Java 17), so Netty's {@code System.loadLibrary} of its
   * transport prints no restricted-method warning into every job's log from Java 24 on.
   */
  static final List<String> JVM_FLAGS =
      List.of(
          "-XX:+UseSerialGC",
          "-Xms6m",
          "-Xmn3m",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=20",
          "-XX:-TieredCompilation",
          "-XX:CICompilerCount=1",
          "-Xss512k",
          "-XX:ReservedCodeCacheSize=32m",
          "-XX:MaxDirectMemorySize=64m",
          "-XX:-UsePerfData",
          "-Xshare:off",
          "-Dio.netty.jfr.enabled=false",
          "-Dsun.misc.unsafe.memory.access=allow",
          "--enable-native-access=ALL-UNNAMED");

  /** Gives freed native memory back to the OS every second (a product option from JDK 22). */
  static final List<String> TRIM_NATIVE_HEAP = List.of("-XX:TrimNativeHeapInterval=1000");

  /**
   * The same where the runtime may be older than 22 (a job image's base): the option is
   * experimental in Java 17.0.9+ and 21.0.1+, so it is unlocked first (harmless from 22 on). Under
   * load a java job in an image kept about 20 MB more without it (docs/benchmarks.md).
   */
  static final List<String> TRIM_NATIVE_HEAP_UNLOCKED =
      List.of("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=1000");

  /**
   * One malloc arena: the JVM's few threads do not contend on malloc, and each extra arena keeps
   * freed memory of its own.
   */
  private static final Map<String, String> MALLOC_ENV = Map.of("MALLOC_ARENA_MAX", "1");

  /**
   * Classes whose jars the wrapper needs at run time: itself, Jackson and Netty (buffers,
   * transport, HTTP and WebSocket codecs, the epoll transport); missing ones are skipped.
   */
  private static final List<String> RUNTIME_ANCHORS =
      List.of(
          "com.fasterxml.jackson.datatype.jdk8.Jdk8Module",
          "io.netty.util.Version",
          "io.netty.buffer.ByteBuf",
          "io.netty.resolver.AddressResolver",
          "io.netty.channel.Channel",
          "io.netty.handler.timeout.IdleStateHandler",
          "io.netty.handler.codec.ByteToMessageDecoder",
          "io.netty.handler.codec.compression.ZlibCodecFactory",
          "io.netty.handler.codec.http.HttpServerCodec",
          "io.netty.channel.unix.Socket",
          "io.netty.channel.epoll.Epoll");

  /** The native library of Netty's epoll transport, in a jar of its own. */
  private static final String EPOLL_LIBRARY =
      "META-INF/native/libnetty_transport_native_epoll_x86_64.so";

  /** The platform's JDK: it compiles java jobs and runs them (mounted read-only in the sandbox). */
  private static final Path JAVA_HOME = realJavaHome();

  private static final Pattern CLASS_NAME =
      Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
  private static final Pattern PERFORM =
      Pattern.compile("public\\s+[\\w<>\\[\\],.?\\s]+\\s+perform\\s*\\(");
  private static final Set<String> EXTRA_KEYS =
      Set.of("entrypoint_class", "source_path", "lib_path", "jvm_args");

  @Override
  public String name() {
    return "java";
  }

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void validate(Manifest manifest) {
    List<String> problems = new ArrayList<>();
    manifest.jobtypeExtra().keySet().stream()
        .filter(k -> !EXTRA_KEYS.contains(k))
        .forEach(
            k ->
                problems.add(
                    "jobtype_extra."
                        + k
                        + ": unknown key for job type java (allowed: "
                        + EXTRA_KEYS.stream().sorted().toList()
                        + ")"));
    manifest
        .jobtypeExtraString("entrypoint_class")
        .filter(c -> !CLASS_NAME.matcher(c).matches())
        .ifPresent(
            c ->
                problems.add(
                    "jobtype_extra.entrypoint_class: '" + c + "' is not a Java class name"));
    Object jvmArgs = manifest.jobtypeExtra().get("jvm_args");
    if (jvmArgs != null && !(jvmArgs instanceof List<?>)) {
      problems.add("jobtype_extra.jvm_args: must be a list of JVM options");
    }
    if (!problems.isEmpty()) {
      throw new ValidationException("invalid manifest: " + String.join("; ", problems));
    }
  }

  @Override
  public LaunchSpec buildLocal(JobBuild build) {
    Manifest manifest = build.manifest();
    Path source = build.sourceDir();
    List<Path> sources = sources(manifest, source);
    Path artifact = build.artifactDir();
    Set<Path> wrapperOrigins = wrapperOrigins();
    Set<Path> origins = new LinkedHashSet<>(wrapperOrigins);
    origins.addAll(jobJars(manifest, source));
    List<Path> classpath = copyInto(origins, artifact.resolve("lib"));
    List<String> libraryPath =
        unpackNativeLibraries(
            wrapperOrigins, artifact.resolve(NATIVE_DIR), LaunchSpec.ARTIFACT + "/" + NATIVE_DIR);
    Path classes = artifact.resolve("classes");
    compile(sources, classpath, classes, build, List.of());
    copyResources(source, classes);
    copyJobDir(source, artifact.resolve("job"));
    String entrypoint =
        manifest.jobtypeExtraString("entrypoint_class").orElseGet(() -> detectEntrypoint(sources));
    build.progress().log("entrypoint class " + entrypoint);
    return new LaunchSpec(
        command(manifest, artifact, classpath, entrypoint, libraryPath),
        "job",
        environment(manifest),
        List.of(JAVA_HOME.toString()));
  }

  @Override
  public ImagePlan buildImage(JobBuild build) {
    return JavaImage.plan(build);
  }

  /** The job's .java files (under source_path, src/main/java or the job directory). */
  static List<Path> sources(Manifest manifest, Path source) {
    Path sourceRoot =
        manifest
            .jobtypeExtraString("source_path")
            .map(p -> BuildTools.inside(source, p, "jobtype_extra.source_path"))
            .orElseGet(
                () ->
                    Files.isDirectory(source.resolve("src/main/java"))
                        ? source.resolve("src/main/java")
                        : source);
    List<Path> sources = javaFiles(sourceRoot);
    if (sources.isEmpty()) {
      throw new BuildException(
          "no .java files found under " + source.relativize(sourceRoot) + " of the job directory");
    }
    return sources;
  }

  static void copyJobDir(Path source, Path to) {
    BuildTools.copyTree(
        source,
        to,
        p -> p.getFileName().toString().equals(".git") || p.toString().startsWith("target"));
  }

  /**
   * JVM options of a java job: {@link #JVM_FLAGS}, then the options that depend on where it runs
   * ({@code platform}: native-heap trimming, the library path), then its heap limit and its own
   * {@code jvm_args}, which win.
   */
  static List<String> jvmOptions(Manifest manifest, List<String> platform) {
    List<String> options = new ArrayList<>(JVM_FLAGS);
    options.addAll(platform);
    Optional.ofNullable(manifest.resources())
        .map(Manifest.Resources::memoryMax)
        .map(m -> Quantity.parse(m, "resources.memory_max").longValue())
        .ifPresent(bytes -> options.add("-Xmx" + Math.max(32, bytes * 3 / 4 / (1 << 20)) + "m"));
    if (manifest.jobtypeExtra().get("jvm_args") instanceof List<?> args) {
      args.forEach(a -> options.add(String.valueOf(a)));
    }
    return options;
  }

  private static List<String> command(
      Manifest manifest,
      Path artifact,
      List<Path> classpath,
      String entrypoint,
      List<String> libraryPath) {
    List<String> command = new ArrayList<>();
    command.add(JAVA_HOME.resolve("bin").resolve("java").toString());
    // the platform's JDK runs the job
    List<String> platform =
        new ArrayList<>(Runtime.version().feature() >= 22 ? TRIM_NATIVE_HEAP : List.of());
    platform.addAll(libraryPath);
    command.addAll(jvmOptions(manifest, platform));
    List<String> entries = new ArrayList<>();
    entries.add(LaunchSpec.ARTIFACT + "/classes");
    classpath.forEach(p -> entries.add(LaunchSpec.ARTIFACT + "/" + artifact.relativize(p)));
    command.add("-cp");
    command.add(String.join(File.pathSeparator, entries));
    command.add(WRAPPER_MAIN);
    command.add(entrypoint);
    return command;
  }

  /** Directory, next to the wrapper's jars, of Netty's native transport libraries. */
  static final String NATIVE_DIR = "native";

  /** A native library's file name as Netty's jars carry them under {@code META-INF/native/}. */
  private static final Pattern NATIVE_LIBRARY = Pattern.compile("lib[A-Za-z0-9_.-]+\\.so");

  /**
   * The JVM's own default library path on Linux, kept after the wrapper's directory so a job's
   * {@code System.loadLibrary} of a system library still finds it.
   */
  static final String DEFAULT_LIBRARY_PATH =
      "/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib";

  /**
   * Unpacks the native libraries of Netty's native transport jars among {@code jars} into {@code
   * dir} and returns the option that puts them on the job's library path ({@code nativeDir} is that
   * directory as the job sees it), or nothing when there are none. Netty then loads its transport
   * with {@code System.loadLibrary} instead of copying it out of the jar into a temporary file at
   * every start, which loads {@code SecureRandom} and the security providers (about 80 classes)
   * into each job (docs/benchmarks.md, "java adder RSS: a lighter start").
   */
  static List<String> unpackNativeLibraries(
      java.util.Collection<Path> jars, Path dir, String nativeDir) {
    boolean any = false;
    try {
      for (Path jar : jars) {
        String name = jar.getFileName().toString();
        if (!name.startsWith("netty-transport-native-") || !name.endsWith(".jar")) {
          continue;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
            String library = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
            if (entry.isDirectory()
                || !entry.getName().equals("META-INF/native/" + library)
                || !NATIVE_LIBRARY.matcher(library).matches()) {
              continue;
            }
            Files.createDirectories(dir);
            try (var in = zip.getInputStream(entry)) {
              Files.copy(in, dir.resolve(library), StandardCopyOption.REPLACE_EXISTING);
            }
            any = true;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot unpack Netty's native libraries: " + e.getMessage(), e);
    }
    return any
        ? List.of("-Djava.library.path=" + nativeDir + ":" + DEFAULT_LIBRARY_PATH)
        : List.of();
  }

  /** The job's environment: its call timeout (read by the wrapper) and the malloc setting. */
  static Map<String, String> environment(Manifest manifest) {
    Map<String, String> env = new java.util.LinkedHashMap<>(MALLOC_ENV);
    manifest
        .callTimeoutDuration()
        .ifPresent(t -> env.put(JobConfig.CALL_TIMEOUT_ENV, Long.toString(t.toSeconds())));
    return env;
  }

  /** The wrapper's jars: itself, Jackson and Netty. */
  static Set<Path> wrapperOrigins() {
    Set<Path> origins = new LinkedHashSet<>();
    for (Class<?> anchor :
        List.of(JobMain.class, ObjectMapper.class, JsonFactory.class, JsonProperty.class)) {
      origins.add(origin(anchor));
    }
    origins.addAll(runtimeOrigins());
    return origins;
  }

  /** The job's own {@code lib_path} jars. */
  static List<Path> jobJars(Manifest manifest, Path source) {
    return manifest
        .jobtypeExtraString("lib_path")
        .map(libPath -> jars(BuildTools.inside(source, libPath, "jobtype_extra.lib_path")))
        .orElse(List.of());
  }

  /** Copies jars (or class directories) into {@code lib}; returns the copies. */
  static List<Path> copyInto(java.util.Collection<Path> origins, Path lib) {
    List<Path> copied = new ArrayList<>();
    try {
      Files.createDirectories(lib);
      for (Path origin : origins) {
        Path target = lib.resolve(origin.getFileName().toString());
        if (Files.isDirectory(origin)) {
          BuildTools.copyTree(origin, target, p -> false);
        } else {
          Files.copy(origin, target, StandardCopyOption.REPLACE_EXISTING);
        }
        copied.add(target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy libraries: " + e.getMessage(), e);
    }
    return copied;
  }

  private static List<Path> runtimeOrigins() {
    List<Path> origins = new ArrayList<>();
    ClassLoader loader = JavaJobType.class.getClassLoader();
    for (String anchor : RUNTIME_ANCHORS) {
      try {
        origins.add(origin(Class.forName(anchor, false, loader)));
      } catch (ClassNotFoundException e) {
        // an optional part of the runtime: not on this platform's class path
      }
    }
    Optional.ofNullable(loader.getResource(EPOLL_LIBRARY))
        .flatMap(JavaJobType::jarOf)
        .ifPresent(origins::add);
    return origins;
  }

  private static Optional<Path> jarOf(java.net.URL resource) {
    String url = resource.toString();
    if (!url.startsWith("jar:file:") || !url.contains("!/")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(new java.net.URI(url.substring(4, url.indexOf("!/")))));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static Path origin(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> jars(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new BuildException("lib_path '" + dir + "' is not a directory");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> javaFiles(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot list sources under " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Compiles with the platform JDK's {@code javac} in a sandboxed child process: the sources are
   * the job's, so the compiler (and anything it loads from the job's jars) never runs inside the
   * platform.
   */
  static void compile(
      List<Path> sources,
      List<Path> classpath,
      Path classes,
      JobBuild build,
      List<String> options) {
    Path javac = JAVA_HOME.resolve("bin").resolve("javac");
    if (!Files.isExecutable(javac)) {
      throw new BuildException(
          "the platform runs on a JRE without a Java compiler ("
              + javac
              + " is missing); run it on a JDK to build java jobs");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                javac.toString(),
                "-parameters",
                "-proc:none",
                "-encoding",
                "UTF-8",
                "-d",
                classes.toString()));
    command.addAll(options);
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
    sources.forEach(s -> command.add(s.toString()));
    build.progress().log("compiling " + sources.size() + " source file(s)");
    try {
      Files.createDirectories(classes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      BuildTools.run(
          build.sandbox(),
          new Sandbox.Spec(
              command,
              build.sourceDir(),
              build.toolEnv(),
              List.of(build.artifactDir()),
              List.of(JAVA_HOME, build.sourceDir()),
              true),
          build.progress(),
          "compiling the job");
    } catch (BuildException e) {
      throw new BuildException(
          "compiling the job failed (see the build log for the compiler's messages)", e);
    }
  }

  /** Files under src/main/resources (if any) become class-path resources. */
  static void copyResources(Path source, Path classes) {
    Path resources = source.resolve("src/main/resources");
    if (Files.isDirectory(resources)) {
      BuildTools.copyTree(resources, classes, p -> false);
    }
  }

  private static Path realJavaHome() {
    Path home = Path.of(System.getProperty("java.home"));
    try {
      return home.toRealPath();
    } catch (IOException e) {
      return home.toAbsolutePath();
    }
  }

  /** The only class declaring a public perform method, found by reading the sources. */
  static String detectEntrypoint(List<Path> sources) {
    List<String> candidates = new ArrayList<>();
    for (Path file : sources) {
      try {
        String text = Files.readString(file);
        if (PERFORM.matcher(text).find()) {
          Matcher pkg = PACKAGE.matcher(text);
          String simple = file.getFileName().toString().replace(".java", "");
          candidates.add(pkg.find() ? pkg.group(1) + "." + simple : simple);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (candidates.size() != 1) {
      throw new BuildException(
          (candidates.isEmpty()
                  ? "no class with a public perform method found"
                  : "several classes have a public perform method " + candidates)
              + "; set jobtype_extra.entrypoint_class");
    }
    return candidates.getFirst();
  }
}
