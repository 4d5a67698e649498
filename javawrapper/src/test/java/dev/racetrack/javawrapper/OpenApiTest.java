package dev.racetrack.javawrapper;

import static dev.racetrack.javawrapper.JobServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OpenApiTest {

  @Test
  void openApi_describesJobPerformAndProbes() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class)) {
      HttpResponse<String> response = job.get("/pub/job/adder/latest/openapi.json");

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode doc = json(response);
      assertThat(doc.get("openapi").asText()).startsWith("3.0");
      assertThat(doc.at("/info/title").asText()).isEqualTo("adder");
      assertThat(doc.at("/info/version").asText()).isEqualTo("0.0.1");
      assertThat(doc.at("/servers/0/url").asText()).isEqualTo("/pub/job/adder/0.0.1");
      assertThat(doc.at("/components/securitySchemes/racetrackAuth").toString())
          .isEqualTo("{\"type\":\"apiKey\",\"in\":\"header\",\"name\":\"X-Racetrack-Auth\"}");
      assertThat(doc.at("/security").toString()).isEqualTo("[{\"racetrackAuth\":[]}]");
      JsonNode media =
          doc.at("/paths/~1api~1v1~1perform/post/requestBody/content/application~1json");
      assertThat(media.at("/schema/properties/numbers").toString())
          .isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"number\",\"format\":\"double\"}}");
      assertThat(media.at("/schema/required").toString()).isEqualTo("[\"numbers\"]");
      assertThat(media.at("/schema/additionalProperties").asBoolean(true)).isFalse();
      assertThat(media.get("example").toString()).isEqualTo("{\"numbers\":[40,2]}");
      assertThat(doc.get("paths").fieldNames())
          .toIterable()
          .contains(
              "/api/v1/perform", "/api/v1/parameters", "/live", "/ready", "/health", "/metrics");
    }
  }

  @Test
  void openApi_requiresAllButOptionalParameters() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.KitchenSink.class)) {
      JsonNode schema =
          json(job.get("/openapi.json"))
              .at("/paths/~1api~1v1~1perform/post/requestBody/content/application~1json/schema");

      assertThat(schema.get("properties").size()).isEqualTo(15);
      assertThat(schema.get("required").toString())
          .doesNotContain("\"comment\"")
          .contains("\"point\"");
      assertThat(schema.get("required").size()).isEqualTo(14);
      assertThat(schema.at("/properties/comment/nullable").asBoolean()).isTrue();
      assertThat(schema.at("/properties/point/type").asText()).isEqualTo("object");
      assertThat(
              json(job.get("/openapi.json"))
                  .at("/paths/~1api~1v1~1perform/post/requestBody/content/application~1json")
                  .has("example"))
          .isFalse();
    }
  }
}
