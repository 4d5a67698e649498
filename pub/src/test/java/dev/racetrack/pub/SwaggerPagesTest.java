package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.model.SwaggerUiAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SwaggerPagesTest {
  private final SwaggerPages pages = new SwaggerPages();

  @Test
  void escape_htmlSpecialCharacters_areEntities() {
    assertThat(SwaggerPages.escape("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void escape_plainText_isUnchanged() {
    assertThat(SwaggerPages.escape("adder 1.2.3-rc.1+build ünïcode"))
        .isEqualTo("adder 1.2.3-rc.1+build ünïcode");
  }

  @Test
  void asset_knownFile_hasBytesAndType() {
    SwaggerUiAssets.Asset css = pages.asset("swagger-ui.css").orElseThrow();

    assertThat(css.contentType()).startsWith("text/css");
    assertThat(css.bytes()).isNotEmpty();
    assertThat(pages.asset("swagger-ui-bundle.js").orElseThrow().contentType())
        .startsWith("text/javascript");
  }

  @Test
  void asset_askedTwice_isTheSameLoadedFile() {
    assertThat(pages.asset("swagger-ui.css").orElseThrow())
        .isSameAs(pages.asset("swagger-ui.css").orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "../swagger-ui.css",
        "..",
        ".hidden",
        "a/b.js",
        "nope.js",
        "swagger-ui.css\u0000",
        "..%2Fpom.properties"
      })
  void asset_unknownOrNotAPlainFileName_isEmpty(String name) {
    assertThat(pages.asset(name)).isEmpty();
  }

  @Test
  void docsPage_usesLocalAssetsAndTheJobsOpenApi() {
    String page = SwaggerPages.docsPage("adder", "1.2.3");

    assertThat(page)
        .contains("<title>adder 1.2.3")
        .contains("href=\"/pub/swagger-ui/swagger-ui.css\"")
        .contains("src=\"/pub/swagger-ui/swagger-ui-bundle.js\"")
        .contains("url: \"openapi.json\"")
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  @Test
  void docsPage_escapesNames() {
    assertThat(SwaggerPages.docsPage("<i>", "\"><script>"))
        .contains("&lt;i&gt; &quot;&gt;&lt;script&gt;")
        .doesNotContain("<i>")
        .doesNotContain("\"><script>");
  }

  @Test
  void docsPage_keepsNoAuthorizationInBrowserStorage() {
    assertThat(SwaggerPages.docsPage("adder", "1.2.3"))
        .contains("persistAuthorization: false")
        .doesNotContain("persistAuthorization: true")
        .doesNotContain("localStorage");
  }

  @Test
  void tokenPage_escapesTheJobAndThePath() {
    assertThat(SwaggerPages.tokenPage("a\"b", "/pub/job/a\"><i>/", "r"))
        .doesNotContain("a\"b")
        .doesNotContain("<i>");
  }

  @Test
  void tokenPage_escapesTheReason() {
    assertThat(SwaggerPages.tokenPage("adder", "/pub/job/adder/1/", "bad <token> & \"more\""))
        .contains("bad &lt;token&gt; &amp; &quot;more&quot;")
        .doesNotContain("<token>");
  }
}
