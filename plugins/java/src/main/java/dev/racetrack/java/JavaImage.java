package dev.racetrack.java;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.JobBuild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A java job as an image on a Java runtime base image (its {@code java} on PATH, version 21.0.1 or
 * newer, for the native-heap trimming option): the job's own {@code lib_path} jars in {@code
 * /app/lib}, the wrapper's jars in {@code /app/wrapper} and the job's classes and files in {@code
 * /app/classes} and {@code /app/job} (the last, small layer). The job is compiled for Java 21
 * ({@code --release 21}) so any such base runs it. Jars are platform-independent files: no step
 * needs to run in the base image to install them.
 */
final class JavaImage {
  static final String LIB = ImagePlan.APP + "/lib";
  static final String WRAPPER = ImagePlan.APP + "/wrapper";
  static final String CODE = ImagePlan.APP + "/code";
  static final String RELEASE = "21";

  private JavaImage() {}

  static ImagePlan plan(JobBuild build) {
    Manifest manifest = build.manifest();
    Path source = build.sourceDir();
    List<Path> sources = JavaJobType.sources(manifest, source);
    Path staged = build.artifactDir();
    List<Path> lib =
        JavaJobType.copyInto(JavaJobType.jobJars(manifest, source), staged.resolve("lib"));
    Set<Path> wrapperOrigins = JavaJobType.wrapperOrigins();
    List<Path> wrapper = JavaJobType.copyInto(wrapperOrigins, staged.resolve("wrapper"));
    List<String> libraryPath =
        JavaJobType.unpackNativeLibraries(
            wrapperOrigins,
            staged.resolve("wrapper").resolve(JavaJobType.NATIVE_DIR),
            WRAPPER + "/" + JavaJobType.NATIVE_DIR);
    Path code = staged.resolve("code");
    Path classes = code.resolve("classes");
    List<Path> classpath = new ArrayList<>(wrapper);
    classpath.addAll(lib);
    JavaJobType.compile(sources, classpath, classes, build, List.of("--release", RELEASE));
    JavaJobType.copyResources(source, classes);
    JavaJobType.copyJobDir(source, code.resolve("job"));
    String entrypoint =
        manifest
            .jobtypeExtraString("entrypoint_class")
            .orElseGet(() -> JavaJobType.detectEntrypoint(sources));
    build.progress().log("entrypoint class " + entrypoint);
    List<String> command = new ArrayList<>();
    command.add("java");
    // the base image's runtime may be 21, where TrimNativeHeapInterval is experimental
    List<String> platform = new ArrayList<>(JavaJobType.TRIM_NATIVE_HEAP_UNLOCKED);
    platform.addAll(libraryPath);
    command.addAll(JavaJobType.jvmOptions(manifest, platform));
    List<String> entries = new ArrayList<>();
    entries.add(CODE + "/classes");
    wrapper.forEach(p -> entries.add(WRAPPER + "/" + p.getFileName()));
    lib.forEach(p -> entries.add(LIB + "/" + p.getFileName()));
    command.add("-cp");
    command.add(String.join(":", entries));
    command.add(JavaJobType.WRAPPER_MAIN);
    command.add(entrypoint);
    List<ImagePlan.Layer> layers = new ArrayList<>();
    if (!lib.isEmpty()) {
      layers.add(new ImagePlan.Layer("dependencies", staged.resolve("lib"), LIB));
    }
    layers.add(new ImagePlan.Layer("wrapper", staged.resolve("wrapper"), WRAPPER));
    layers.add(new ImagePlan.Layer("code", code, CODE));
    return new ImagePlan(
        Optional.empty(), layers, command, CODE + "/job", JavaJobType.environment(manifest));
  }
}
