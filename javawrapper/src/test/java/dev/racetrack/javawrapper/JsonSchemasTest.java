package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {
  private static final Map<String, JobParameter> KITCHEN_SINK =
      Entrypoint.of(new TestJobs.KitchenSink()).parameters().stream()
          .collect(Collectors.toMap(JobParameter::name, p -> p));

  private static String schema(String parameter) {
    return JsonSchemas.of(KITCHEN_SINK.get(parameter).type()).toString();
  }

  @Test
  void of_scalars() {
    assertThat(schema("count")).isEqualTo("{\"type\":\"integer\",\"format\":\"int32\"}");
    assertThat(schema("big")).isEqualTo("{\"type\":\"integer\",\"format\":\"int64\"}");
    assertThat(schema("amount")).isEqualTo("{\"type\":\"number\"}");
    assertThat(schema("name")).isEqualTo("{\"type\":\"string\"}");
    assertThat(schema("flag")).isEqualTo("{\"type\":\"boolean\"}");
    assertThat(schema("color")).isEqualTo("{\"type\":\"string\",\"enum\":[\"RED\",\"GREEN\"]}");
    assertThat(schema("anything")).isEqualTo("{}");
  }

  @Test
  void of_collectionsArraysAndMaps() {
    assertThat(schema("numbers"))
        .isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"number\",\"format\":\"double\"}}");
    assertThat(schema("tags")).isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
    assertThat(schema("ids"))
        .isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"format\":\"int32\"}}");
    assertThat(schema("weights"))
        .isEqualTo(
            "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"format\":\"int32\"}}");
  }

  @Test
  void of_optionalIsNullable() {
    assertThat(schema("comment")).isEqualTo("{\"type\":\"string\",\"nullable\":true}");
  }

  @Test
  void of_recordsAndPublicFieldClassesAreObjects() {
    assertThat(schema("point"))
        .isEqualTo(
            "{\"type\":\"object\",\"properties\":{"
                + "\"x\":{\"type\":\"integer\",\"format\":\"int32\"},"
                + "\"y\":{\"type\":\"integer\",\"format\":\"int32\"}}}");
    JsonNode settings = JsonSchemas.of(KITCHEN_SINK.get("settings").type());
    assertThat(settings.get("properties").has("ignored")).isFalse();
    assertThat(settings.at("/properties/title/type").asText()).isEqualTo("string");
    assertThat(settings.at("/properties/points/items/properties/x/type").asText())
        .isEqualTo("integer");
  }

  @Test
  void of_selfReferencingRecord_stops() {
    JsonNode tree = JsonSchemas.of(TestJobs.Tree.class);

    assertThat(tree.at("/properties/children/items"))
        .isEqualTo(JobJson.mapper().createObjectNode().put("type", "object"));
  }

  @Test
  void typeName_isReadable() {
    Map<String, String> names =
        Arrays.stream(new String[] {"count", "numbers", "ids", "weights", "comment", "point"})
            .collect(Collectors.toMap(n -> n, n -> KITCHEN_SINK.get(n).typeName()));

    assertThat(names)
        .containsEntry("count", "int")
        .containsEntry("numbers", "List<Double>")
        .containsEntry("ids", "int[]")
        .containsEntry("weights", "Map<String, Integer>")
        .containsEntry("comment", "Optional<String>")
        .containsEntry("point", "Point");
  }
}
