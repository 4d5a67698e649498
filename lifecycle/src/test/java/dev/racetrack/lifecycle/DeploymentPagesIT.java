package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/v1/deploy} pages: {@code limit} deployments, most recently updated first, the
 * next page's cursor in {@code X-Racetrack-Next-Cursor}, every deployment on exactly one page, and
 * a caller without read rights sees only its own deployments on every page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentPagesIT {
  private LifecycleFixture lifecycle;
  private String admin;
  private final List<String> adminDeployments = new ArrayList<>();
  private final List<String> bobDeployments = new ArrayList<>();
  private String bob;

  @BeforeAll
  void start() throws Exception {
    lifecycle = new LifecycleFixture(Map.of());
    admin = lifecycle.adminToken();
    bob = lifecycle.activeUser("bob@example.com", "correct horse battery");
    // without the default read permission on every job, bob sees only his own deployments
    lifecycle.withoutReadingEveryJob("bob@example.com");
    DeploymentRepository deployments = new DeploymentRepository(lifecycle.jdbi());
    for (int i = 0; i < 7; i++) {
      adminDeployments.add(
          deployments.create("job-" + i, "1.0.0", "name: job-" + i + "\n", "admin", "local"));
      if (i % 3 == 0) {
        bobDeployments.add(
            deployments.create(
                "bobs-" + i, "1.0.0", "name: bobs-" + i + "\n", "bob@example.com", "local"));
      }
    }
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private HttpResponse<String> page(String token, String query) {
    return lifecycle.get("/api/v1/deploy" + query, token);
  }

  /** Follows the cursors from the first page of {@code limit}; the ids in the order shown. */
  private List<String> walk(String token, int limit, List<Integer> sizes) {
    List<String> ids = new ArrayList<>();
    Optional<String> cursor = Optional.of("");
    while (cursor.isPresent()) {
      HttpResponse<String> answer =
          page(
              token, "?limit=" + limit + (cursor.get().isEmpty() ? "" : "&cursor=" + cursor.get()));
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonNode items = json(answer.body());
      sizes.add(items.size());
      items.forEach(d -> ids.add(d.path("id").asText()));
      cursor = answer.headers().firstValue("X-Racetrack-Next-Cursor");
      assertThat(sizes.size()).as("pages").isLessThan(20);
    }
    return ids;
  }

  @Test
  void pages_coverEveryDeploymentOnce_newestFirst() {
    List<String> all = new ArrayList<>(adminDeployments);
    all.addAll(bobDeployments);
    List<String> unpaged = new ArrayList<>();
    json(page(admin, "?limit=1000").body()).forEach(d -> unpaged.add(d.path("id").asText()));
    assertThat(unpaged).containsExactlyInAnyOrderElementsOf(all);
    assertThat(page(admin, "?limit=1000").headers().firstValue("X-Racetrack-Next-Cursor"))
        .as("no cursor after the last page")
        .isEmpty();

    List<Integer> sizes = new ArrayList<>();
    assertThat(walk(admin, 3, sizes)).isEqualTo(unpaged);
    assertThat(sizes).containsExactly(3, 3, 3, 1);
  }

  @Test
  void pages_ofACallerWithoutReadRights_holdOnlyItsOwnDeployments() {
    List<Integer> sizes = new ArrayList<>();
    assertThat(walk(bob, 2, sizes)).containsExactlyInAnyOrderElementsOf(bobDeployments);
    assertThat(sizes).containsExactly(2, 1);
  }

  @Test
  void aCursorThisServerDidNotMake_isRefusedNamingIt() {
    HttpResponse<String> answer = page(admin, "?cursor=bm90LWEtY3Vyc29y");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body())
        .contains("cursor 'bm90LWEtY3Vyc29y' is not a valid deployments cursor");
  }

  @Test
  void theOriginalsArrayAnswer_isKept() throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(lifecycle.url("/api/v1/deploy")))
                    .header("X-Racetrack-Auth", admin)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(json(answer.body()).isArray()).isTrue();
  }
}
