package dev.racetrack.spi;

import dev.racetrack.testsupport.PluginBundleFixture;
import java.nio.file.Path;

/** Plugin bundles the spi tests install. */
final class PluginTestBundles {
  private PluginTestBundles() {}

  /** A declarative job type {@code name:version} (one Dockerfile template). */
  static Path templateJobType(Path dir, String name, String version) {
    return PluginBundleFixture.plugin(dir, name, version, "category: job-type\n")
        .file("job-type.yaml", "images:\n  - dockerfile: job.Dockerfile\n")
        .file(
            "job.Dockerfile",
            """
            FROM 127.0.0.1:5000/racetrack-base/python:3.11
            COPY .jobtype/wrapper.sh /opt/wrapper.sh
            COPY . /src
            {{#env_vars}}
            ENV {{name}}="{{value}}"
            {{/env_vars}}
            LABEL racetrack-job="{{manifest.name}}" version="{{manifest.version}}" jobtype="{{job_type_version}}" git="{{git_version}}"
            CMD ["/opt/wrapper.sh", "{{manifest_jobtype_extra.entrypoint}}"]
            """)
        .file("wrapper.sh", "#!/bin/sh\nexec python3 -m http.server 7000\n")
        .zip(name + "-" + version + ".zip");
  }

  /** A Java plugin whose hook behaves as {@code body} says in {@code afterDeploy}. */
  static Path javaHook(Path dir, String name, String afterDeployBody) {
    return PluginBundleFixture.plugin(dir, name, "1.0.0", "category: core\n")
        .javaClass(
            "test.Hook",
            """
            package test;
            import dev.racetrack.spi.*;
            import java.util.*;
            public class Hook implements PluginHook {
              private PluginSetup setup;
              @Override public void init(PluginSetup setup) { this.setup = setup; }
              @Override public void afterDeploy(JobChange job) { %s }
              @Override public Optional<String> markdownDocs() {
                return Optional.of("# %s\\nconfig: " + setup.config().strip());
              }
              @Override public Map<String, String> runtimeEnvVars() { return Map.of("FROM_PLUGIN", "yes"); }
              @Override public void validateConfig(String yaml) {
                if (!PluginSetup.parseConfig(yaml).containsKey("url")) throw new IllegalArgumentException("url is required");
              }
            }
            """
                .formatted(afterDeployBody, name))
        .service("dev.racetrack.spi.PluginHook", "test.Hook")
        .zip(name + ".zip");
  }
}
