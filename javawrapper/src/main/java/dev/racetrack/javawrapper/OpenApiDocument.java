package dev.racetrack.javawrapper;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The OpenAPI 3.0 description of a job: its perform endpoint and the wrapper's own routes. */
final class OpenApiDocument {
  static final String AUTH_SCHEME = "racetrackAuth";
  static final String AUTH_HEADER = "X-Racetrack-Auth";

  private OpenApiDocument() {}

  static ObjectNode build(JobConfig config, Entrypoint entrypoint) {
    ObjectNode doc = object();
    doc.put("openapi", "3.0.3");
    doc.putObject("info")
        .put("title", config.jobName())
        .put("version", config.jobVersion())
        .put(
            "description",
            "Job wrapped in a REST server by Racetrack. Entrypoint: " + entrypoint.className());
    doc.putArray("servers").addObject().put("url", config.basePath());
    doc.putObject("components")
        .putObject("securitySchemes")
        .putObject(AUTH_SCHEME)
        .put("type", "apiKey")
        .put("in", "header")
        .put("name", AUTH_HEADER);
    doc.putArray("security").addObject().putArray(AUTH_SCHEME);
    ObjectNode paths = doc.putObject("paths");
    paths.putObject("/api/v1/perform").set("post", performOperation(entrypoint));
    paths.set(
        "/api/v1/parameters",
        get(
            "List parameters of the perform method",
            "parameters",
            "API",
            jsonResponse("Name and type of each parameter", parametersSchema())));
    paths.set(
        "/live", get("Liveness probe", "live", "Health", jsonResponse("Job is alive", object())));
    paths.set(
        "/ready",
        get("Readiness probe", "ready", "Health", jsonResponse("Job is ready", object())));
    paths.set(
        "/health",
        get("Health status", "health", "Health", jsonResponse("Job is healthy", object())));
    ObjectNode metrics = object().put("description", "Metrics in the Prometheus text format");
    metrics.putObject("content").putObject("text/plain").putObject("schema").put("type", "string");
    paths.set("/metrics", get("Prometheus metrics", "metrics", "Health", metrics));
    return doc;
  }

  /** Schema of the JSON object of arguments accepted by perform. */
  static ObjectNode requestSchema(Entrypoint entrypoint) {
    ObjectNode schema = object().put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = JobJson.mapper().createArrayNode();
    for (JobParameter parameter : entrypoint.parameters()) {
      properties.set(parameter.name(), JsonSchemas.of(parameter.type()));
      if (!parameter.optional()) {
        required.add(parameter.name());
      }
    }
    schema.put("additionalProperties", false);
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    return schema;
  }

  private static ObjectNode performOperation(Entrypoint entrypoint) {
    ObjectNode operation =
        object()
            .put("summary", "Call main action")
            .put("description", "Calls " + entrypoint)
            .put("operationId", "perform");
    operation.putArray("tags").add("API");
    ObjectNode media =
        operation
            .putObject("requestBody")
            .put("required", true)
            .putObject("content")
            .putObject(Response.JSON);
    media.set("schema", requestSchema(entrypoint));
    entrypoint.inputExample().ifPresent(example -> media.set("example", example));
    ObjectNode responses = operation.putObject("responses");
    responses.set("200", jsonResponse("Result returned by perform", object()));
    responses.set("400", jsonResponse("Invalid arguments", errorSchema()));
    responses.set("413", jsonResponse("Request body too large", errorSchema()));
    responses.set("500", jsonResponse("Exception thrown by perform", errorSchema()));
    responses.set("503", jsonResponse("Job is not ready yet", errorSchema()));
    return operation;
  }

  private static ObjectNode get(String summary, String operationId, String tag, ObjectNode ok) {
    ObjectNode operation = object().put("summary", summary).put("operationId", operationId);
    operation.putArray("tags").add(tag);
    operation.putObject("responses").set("200", ok);
    ObjectNode path = object();
    path.set("get", operation);
    return path;
  }

  private static ObjectNode jsonResponse(String description, ObjectNode schema) {
    ObjectNode response = object().put("description", description);
    response.putObject("content").putObject(Response.JSON).set("schema", schema);
    return response;
  }

  private static ObjectNode parametersSchema() {
    ObjectNode schema = object().put("type", "array");
    ObjectNode item = schema.putObject("items").put("type", "object");
    ObjectNode properties = item.putObject("properties");
    properties.putObject("name").put("type", "string");
    properties.putObject("type").put("type", "string");
    return schema;
  }

  private static ObjectNode errorSchema() {
    ObjectNode schema = object().put("type", "object");
    schema.putObject("properties").putObject("error").put("type", "string");
    return schema;
  }

  private static ObjectNode object() {
    return JobJson.mapper().createObjectNode();
  }
}
