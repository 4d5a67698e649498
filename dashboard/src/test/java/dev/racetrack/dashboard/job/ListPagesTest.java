package dev.racetrack.dashboard.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListPagesTest {

  @Test
  void nextPortfolioPage_keepsTheFiltersAndColumnsOfTheQueryTheCursorBelongsTo() {
    Map<String, String> filters = new LinkedHashMap<>();
    filters.put("name", "rgx:^a&b=c");
    filters.put("purge_score", ">= 5 && < 10");

    String href = ListPages.nextPortfolioPage(filters, List.of("name", "purge_score"), "abc+/=");

    URI uri = URI.create(href);
    assertThat(uri.getPath()).isEqualTo("/dashboard/portfolio");
    assertThat(parameters(uri.getRawQuery()))
        .containsExactly(
            "name=rgx:^a&b=c",
            "purge_score=>= 5 && < 10",
            "col=name",
            "col=purge_score",
            "cursor=abc+/=");
  }

  @Test
  void nextPortfolioPage_withoutFiltersOrChosenColumns_isTheCursorAlone() {
    assertThat(ListPages.nextPortfolioPage(Map.of(), List.of(), "c1"))
        .isEqualTo("/dashboard/portfolio?cursor=c1");
  }

  /** Each decoded name=value pair, in order. */
  private static List<String> parameters(String rawQuery) {
    List<String> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      pairs.add(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8)
              + "="
              + URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return pairs;
  }
}
