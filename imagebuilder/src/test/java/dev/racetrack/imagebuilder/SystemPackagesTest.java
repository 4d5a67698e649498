package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.spi.BuildException;
import dev.racetrack.testsupport.Tools;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SystemPackagesTest {

  @Test
  void requireInstalled_withMissingPackages_failsNamingThemAndTheAptCommand() {
    SystemPackages packages = new SystemPackages(Set.of("libpq5")::contains);

    assertThatCode(() -> packages.requireInstalled(List.of("libpq5"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> packages.requireInstalled(List.of("libpq5", "ffmpeg", "libgl1")))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("system_dependencies: ffmpeg, libgl1 not installed")
        .hasMessageContaining("apt-get install -y ffmpeg libgl1");
  }

  @Test
  void requireInstalled_withNonPackageName_failsBeforeAskingAnything() {
    SystemPackages packages =
        new SystemPackages(
            p -> {
              throw new AssertionError("asked about " + p);
            });

    assertThatThrownBy(() -> packages.requireInstalled(List.of("curl; rm -rf /")))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("not Debian package names");
  }

  @Test
  void dpkg_knowsAnInstalledPackageFromAMissingOne() {
    Tools.require("dpkg-query");

    assertThatCode(() -> SystemPackages.dpkg().requireInstalled(List.of("coreutils")))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> SystemPackages.dpkg().requireInstalled(List.of("no-such-package-racetrack")))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("no-such-package-racetrack not installed");
  }
}
