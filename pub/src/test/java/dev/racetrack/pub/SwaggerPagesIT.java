package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The job's Swagger UI page, the token page and the Swagger UI assets PUB serves itself. */
class SwaggerPagesIT {
  private static final String HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

  private FakeLifecycleFixture lifecycle;
  private FakeJobFixture job;
  private PubFixture pub;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
    pub = PubFixture.start(lifecycle);
  }

  @AfterEach
  void stop() {
    pub.close();
    job.close();
    lifecycle.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/pub/job/adder/latest", "/job/adder/latest"})
  void jobRootWithoutSlash_redirectsToSlashKeepingTheQuery(String path) {
    HttpResponse<String> response = pub.get(path + "?theme=dark&x=%20");

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).contains(path + "/?theme=dark&x=%20");
    assertThat(lifecycle.callCount()).isZero();
  }

  @Test
  void jobRootWithoutSlashOrQuery_redirectsToSlash() {
    assertThat(pub.get("/pub/job/adder/latest").headers().firstValue("Location"))
        .contains("/pub/job/adder/latest/");
  }

  @Test
  void docsPage_forABrowser_isSwaggerUiServedByPubWithoutCallingTheJob() {
    HttpResponse<String> response =
        pub.get("/pub/job/adder/latest/", "Accept", HTML, "Cookie", "X-Racetrack-Auth-adder=t");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(response.body())
        .contains("adder 1.2.3")
        .contains("/pub/swagger-ui/swagger-ui-bundle.js")
        .contains("/pub/swagger-ui/swagger-ui.css")
        .contains("url: \"openapi.json\"")
        .doesNotContain("http://")
        .doesNotContain("https://");
    assertThat(lifecycle.lastCall().path()).isEqualTo("/");
    assertThat(lifecycle.lastCall().token()).contains("t");
    assertThat(job.received()).isEmpty();
  }

  @Test
  void docsPage_everyAssetItReferences_isServed() {
    String page = pub.get("/pub/job/adder/latest/", "Accept", HTML).body();

    for (String asset : new String[] {"swagger-ui-bundle.js", "swagger-ui.css"}) {
      assertThat(page).contains(SwaggerPages.ASSET_PREFIX + asset);
      assertThat(pub.get(SwaggerPages.ASSET_PREFIX + asset).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void jobRoot_forAnApiClient_isProxiedToTheJob() {
    HttpResponse<String> response = pub.get("/pub/job/adder/latest/", "Accept", "application/json");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().path()).isEqualTo("/pub/job/adder/1.2.3/");
  }

  @Test
  void docsPage_namesFromLifecycle_areHtmlEscaped() {
    lifecycle.replyWith(
        call ->
            FakeLifecycleFixture.permit(
                "<b>adder</b>", "<script>alert(1)</script>", job.internalName(), Optional.empty()));

    String page = pub.get("/pub/job/adder/%3Cscript%3E/", "Accept", HTML).body();

    assertThat(page)
        .contains("&lt;b&gt;adder&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)")
        .doesNotContain("<b>adder");
  }

  @Test
  void tokenPage_whenLifecycleRefusesABrowser_is401HtmlWithTheEscapedReason() {
    lifecycle.refuse(401, "auth token not found in a header <X-Racetrack-Auth>");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/", "Accept", HTML);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(response.body())
        .contains("<form method=\"post\" action=\"/pub/job/adder/_token\">")
        .contains("name=\"back\" value=\"/pub/job/adder/latest/\"")
        .doesNotContain("<script")
        .doesNotContain("document.cookie")
        .doesNotContain("localStorage")
        .doesNotContain("sessionStorage")
        .contains("Unauthenticated: auth token not found in a header &lt;X-Racetrack-Auth&gt;")
        .doesNotContain("<X-Racetrack-Auth>")
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  void tokenPage_isNotShownToApiClients() {
    lifecycle.refuse(401, "auth token not found");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
  }

  @Test
  void tokenPage_isNotShownForAnUnknownJob() {
    lifecycle.refuse(404, "Job was not found");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/", "Accept", HTML);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(PubFixture.json(response).path("error").asText()).contains("Job was not found");
  }

  @Test
  void asset_css_isServedWithTypeAndCacheHeader() {
    HttpResponse<String> response = pub.get("/pub/swagger-ui/swagger-ui.css");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
    assertThat(response.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=");
    assertThat(response.body()).contains(".swagger-ui");
    assertThat(lifecycle.callCount()).isZero();
  }

  @Test
  void asset_bundle_isJavascript() {
    HttpResponse<String> response = pub.get("/swagger-ui/swagger-ui-bundle.js");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/javascript");
    assertThat(response.body()).contains("SwaggerUIBundle");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/pub/swagger-ui/../x",
        "/pub/swagger-ui/nope.js",
        "/pub/swagger-ui/",
        "/pub/swagger-ui/.hidden",
        "/pub/swagger-ui/missing.css"
      })
  void asset_unknownOrOutsideTheWebjar_is404Json(String path) {
    HttpResponse<String> response = pub.get(path);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(PubFixture.json(response).path("error").asText()).startsWith("Not found: ");
    assertThat(PubFixture.json(response).path("requestId").asText())
        .isEqualTo(response.headers().firstValue("X-Request-Tracing-Id").orElseThrow());
  }

  @Test
  void asset_encodedTraversal_isRejected() {
    HttpResponse<String> response =
        pub.get("/pub/swagger-ui/%2e%2e%2f%2e%2e%2fmaven%2Forg.webjars%2Fswagger-ui%2Fpom.xml");

    assertThat(response.statusCode()).isIn(400, 404);
    assertThat(response.body()).doesNotContain("<project");
  }
}
