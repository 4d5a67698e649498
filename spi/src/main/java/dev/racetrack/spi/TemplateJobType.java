package dev.racetrack.spi;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A job type declared without Java: {@code job-type.yaml} in a plugin bundle names one or more
 * Dockerfile templates (Mustache) and the bundle carries the wrapper files they copy. It builds
 * container images only, so it runs on targets that run images (Docker, Kubernetes).
 *
 * <pre>
 * name: shell-http            # the language in a manifest's jobtype (default: the plugin name)
 * images:
 *   - dockerfile: job.Dockerfile   # path in the bundle
 *     template: true               # render with Mustache (default true)
 * build_args:                  # passed to the engine build as --build-arg
 *   - name: BASE_IMAGE
 *     jobtype_extra: base_image    # a job may set it (jobtype_extra.base_image) ...
 *     default: registry.example.com/base/python:3.11   # ... else this (no default: required)
 *   - name: JOB_TYPE_VERSION
 *     platform: job_type_version   # filled by the platform (see {@link JobTypeBuildArgs})
 * </pre>
 */
public final class TemplateJobType implements JobType {
  /** Where the bundle's files are copied inside the build context. */
  public static final String JOBTYPE_DIR = ".jobtype";

  /** One image of the job (container {@code i} listens on port {@code 7000 + i}). */
  public record Image(String dockerfile, boolean template) {
    public Image {
      Objects.requireNonNull(dockerfile, "dockerfile");
    }
  }

  /**
   * Values the templates see beside the manifest.
   *
   * @param gitVersion the source's version ({@code git describe}, or {@code tar})
   * @param racetrackVersion the platform's version
   */
  public record Values(String gitVersion, String racetrackVersion) {}

  private final String name;
  private final String version;
  private final Path pluginDir;
  private final List<Image> images;
  private final JobTypeBuildArgs buildArgs;

  TemplateJobType(
      String name, String version, Path pluginDir, List<Image> images, JobTypeBuildArgs buildArgs) {
    this.name = name;
    this.version = version;
    this.pluginDir = pluginDir;
    this.images = List.copyOf(images);
    this.buildArgs = buildArgs;
    if (images.isEmpty()) {
      throw new ValidationException(PluginBundle.JOB_TYPE_FILE + ": images should not be empty");
    }
  }

  /** Reads {@code job-type.yaml} of an extracted bundle and checks its templates exist. */
  public static TemplateJobType load(PluginManifest manifest, Path pluginDir) {
    JsonNode root;
    try {
      root = Json.yaml().readTree(pluginDir.resolve(PluginBundle.JOB_TYPE_FILE).toFile());
    } catch (IOException e) {
      throw new ValidationException(
          PluginBundle.JOB_TYPE_FILE + " of plugin " + manifest.id() + " is not valid YAML", e);
    }
    String name = root.path("name").asText(manifest.name());
    List<Image> images = new ArrayList<>();
    for (JsonNode image : root.path("images")) {
      String dockerfile = image.path("dockerfile").asText("");
      PluginBundle.checkName(dockerfile);
      if (!Files.isRegularFile(pluginDir.resolve(dockerfile))) {
        throw new ValidationException(
            PluginBundle.JOB_TYPE_FILE
                + " of plugin "
                + manifest.id()
                + ": dockerfile '"
                + dockerfile
                + "' is not in the bundle");
      }
      images.add(new Image(dockerfile, image.path("template").asBoolean(true)));
    }
    return new TemplateJobType(
        name,
        manifest.version(),
        pluginDir,
        images,
        JobTypeBuildArgs.parse(manifest, root.path("build_args")));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version;
  }

  public List<Image> images() {
    return images;
  }

  public List<JobTypeBuildArgs.BuildArg> buildArgs() {
    return buildArgs.args();
  }

  /**
   * The build arguments of a job's build (see {@link JobTypeBuildArgs}).
   *
   * @throws ValidationException naming the {@code jobtype_extra} key a required argument needs
   */
  public Map<String, String> buildArgs(Manifest manifest, Values values) {
    return buildArgs.resolve(key(), version, manifest, values);
  }

  /** Checks that the job gives what the build arguments without a default need. */
  @Override
  public void validate(Manifest manifest) {
    buildArgs(manifest, new Values("", ""));
  }

  @Override
  public LaunchSpec buildLocal(JobBuild build) {
    throw new BuildException(
        "job type "
            + key()
            + " builds container images only: deploy it to a target that runs images"
            + " (infrastructure_target docker or kubernetes)");
  }

  /**
   * Prepares a Docker build context: the job's source, the bundle's files under {@value
   * #JOBTYPE_DIR}, and one rendered Dockerfile per image ({@code .jobtype-<i>.Dockerfile}).
   *
   * @return the Dockerfiles, in image order, each inside {@code contextDir}
   */
  public List<Path> renderBuildContext(
      Manifest manifest, Path sourceDir, Path contextDir, Values values) {
    return prepare(manifest, sourceDir, contextDir, values).dockerfiles();
  }

  /**
   * A prepared build: the rendered Dockerfiles (in image order, inside the context) and the build
   * arguments.
   */
  public record Prepared(List<Path> dockerfiles, Map<String, String> buildArgs) {
    public Prepared {
      dockerfiles = List.copyOf(dockerfiles);
      buildArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
    }
  }

  /**
   * Prepares a Docker build context as {@link #renderBuildContext} does and resolves the build
   * arguments.
   */
  public Prepared prepare(Manifest manifest, Path sourceDir, Path contextDir, Values values) {
    Map<String, String> args = buildArgs(manifest, values);
    try {
      copyTree(sourceDir, contextDir);
      copyTree(pluginDir, contextDir.resolve(JOBTYPE_DIR));
      Map<String, Object> scope = scope(manifest, values);
      List<Path> dockerfiles = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        Image image = images.get(i);
        String text = Files.readString(pluginDir.resolve(image.dockerfile()));
        Path out = contextDir.resolve(".jobtype-" + i + ".Dockerfile");
        Files.writeString(out, image.template() ? render(image.dockerfile(), text, scope) : text);
        dockerfiles.add(out);
      }
      return new Prepared(dockerfiles, args);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the build context of job type " + key(), e);
    }
  }

  private Map<String, Object> scope(Manifest manifest, Values values) {
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put(
        "manifest",
        Json.mapper().convertValue(manifest, new TypeReference<Map<String, Object>>() {}));
    scope.put("resource_name", Manifest.resourceName(manifest.name(), manifest.version()));
    scope.put("job_type_version", version);
    scope.put("git_version", values.gitVersion());
    scope.put("deployed_by_racetrack_version", values.racetrackVersion());
    List<Map<String, String>> env = new ArrayList<>();
    manifest.buildEnv().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> env.add(Map.of("name", e.getKey(), "value", e.getValue())));
    scope.put("env_vars", env);
    scope.put("manifest_jobtype_extra", manifest.jobtypeExtra());
    return scope;
  }

  private String render(String templateName, String text, Map<String, Object> scope) {
    try {
      Mustache mustache = new VerbatimFactory().compile(new StringReader(text), templateName);
      StringWriter out = new StringWriter();
      mustache.execute(out, scope);
      return out.toString();
    } catch (MustacheException e) {
      throw new BuildException(
          "template " + templateName + " of job type " + key() + ": " + e.getMessage(), e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Path root = from.toAbsolutePath().normalize();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isSymbolicLink(file)) {
          continue; // never follow links out of the tree
        }
        Path target = to.resolve(root.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(file, target);
        }
      }
    }
  }

  /** Mustache without HTML escaping: a Dockerfile is not HTML. */
  private static final class VerbatimFactory extends DefaultMustacheFactory {
    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (IOException e) {
        throw new MustacheException("cannot write the rendered template", e);
      }
    }
  }
}
