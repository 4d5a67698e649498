package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobHostTest {
  private final JobHost hosts = new JobHost(Optional.of("jobs.example.com"));

  private JobHost.Route route(String host, String path) {
    return hosts.route(Optional.of(host), path);
  }

  @Test
  void route_aJobLabel_isTheJobsLatestVersion() {
    assertThat(route("adder.jobs.example.com", "/api/v1/perform"))
        .isEqualTo(new JobHost.Job("adder", "/pub/job/adder/latest/api/v1/perform"));
    assertThat(route("adder.jobs.example.com", "/"))
        .isEqualTo(new JobHost.Job("adder", "/pub/job/adder/latest/"));
  }

  @Test
  void route_portAndCaseAndTrailingDot_areIgnored() {
    assertThat(route("Adder.JOBS.example.com:8443", "/x"))
        .isEqualTo(new JobHost.Job("adder", "/pub/job/adder/latest/x"));
    assertThat(route("adder.jobs.example.com.", "/x"))
        .isEqualTo(new JobHost.Job("adder", "/pub/job/adder/latest/x"));
  }

  @Test
  void route_nestedLabelsOrNoJobName_areRefused() {
    assertThat(route("a.adder.jobs.example.com", "/x")).isInstanceOf(JobHost.Refused.class);
    assertThat(route(".jobs.example.com", "/x")).isInstanceOf(JobHost.Refused.class);
    assertThat(route("-adder.jobs.example.com", "/x")).isInstanceOf(JobHost.Refused.class);
    assertThat(route("ad_der.jobs.example.com", "/x")).isInstanceOf(JobHost.Refused.class);
  }

  @Test
  void route_theDomainItselfOrAnotherDomain_isLeftAlone() {
    assertThat(route("jobs.example.com", "/pub/job/b/1/x"))
        .isEqualTo(new JobHost.Ordinary("/pub/job/b/1/x"));
    assertThat(route("pub.example.com", "/pub/job/b/1/x"))
        .isEqualTo(new JobHost.Ordinary("/pub/job/b/1/x"));
    assertThat(route("adder.jobs.example.com.evil.test", "/x"))
        .isEqualTo(new JobHost.Ordinary("/x"));
    assertThat(route("adderjobs.example.com", "/x")).isEqualTo(new JobHost.Ordinary("/x"));
    assertThat(hosts.route(Optional.empty(), "/x")).isEqualTo(new JobHost.Ordinary("/x"));
  }

  @Test
  void route_explicitPathOfTheSameJob_isAccepted() {
    assertThat(route("adder.jobs.example.com", "/pub/job/adder/1.2/x"))
        .isEqualTo(new JobHost.Job("adder", "/pub/job/adder/1.2/x"));
    assertThat(route("adder.jobs.example.com", "/pub/job/adder/_token"))
        .isEqualTo(new JobHost.Job("adder", "/pub/job/adder/_token"));
    assertThat(route("adder.jobs.example.com", "/job/adder/latest/x"))
        .isEqualTo(new JobHost.Job("adder", "/pub/job/adder/latest/x"));
  }

  @Test
  void route_pathOfAnotherJobOnAJobsHost_isRefused() {
    assertThat(route("adder.jobs.example.com", "/pub/job/other/latest/x"))
        .isEqualTo(
            new JobHost.Refused(
                404, "Not found on the host of job adder: /pub/job/other/latest/x"));
    assertThat(route("adder.jobs.example.com", "/fatman/adderx/1/x"))
        .isInstanceOf(JobHost.Refused.class);
  }

  @Test
  void route_withoutAJobDomain_isAlwaysOrdinary() {
    assertThat(new JobHost(Optional.empty()).route(Optional.of("adder.jobs.example.com"), "/x"))
        .isEqualTo(new JobHost.Ordinary("/x"));
  }
}
