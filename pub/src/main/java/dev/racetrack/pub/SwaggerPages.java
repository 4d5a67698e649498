package dev.racetrack.pub;

import dev.racetrack.model.SwaggerUiAssets;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The Swagger UI page PUB serves for every job at {@code /pub/job/NAME/VERSION/}, built from the
 * job's {@code openapi.json}, with Swagger UI's assets served by PUB itself (no CDN), and a small
 * page to store a token in the browser when a page needs one.
 */
final class SwaggerPages {
  static final String ASSET_PREFIX = "/pub/swagger-ui/";
  private final SwaggerUiAssets assets = new SwaggerUiAssets();

  /** An asset of Swagger UI by file name (only plain file names are served). */
  Optional<SwaggerUiAssets.Asset> asset(String name) {
    return assets.find(name);
  }

  /** The Swagger UI page of a job. */
  static String docsPage(String job, String version) {
    String title = escape(job) + " " + escape(version);
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>%s · Racetrack</title>
        <link rel="stylesheet" href="%sswagger-ui.css">
        <style>body{margin:0} .rt-bar{font:14px sans-serif;padding:8px 16px;background:#1b1b1b;color:#eee}</style>
        </head><body>
        <div class="rt-bar">Racetrack job <b>%s</b></div>
        <div id="swagger-ui"></div>
        <script src="%sswagger-ui-bundle.js"></script>
        <script>
        window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true,
          persistAuthorization: false, tryItOutEnabled: true});
        </script>
        </body></html>
        """
        .formatted(title, ASSET_PREFIX, title, ASSET_PREFIX);
  }

  /**
   * Shown to a browser without a usable token: explains and lets the user store one. The form posts
   * the token to PUB, which keeps it in an {@code HttpOnly} cookie for this job's path only; the
   * page has no script and keeps nothing in browser storage.
   */
  static String tokenPage(String job, String pagePath, String reason) {
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Racetrack: token needed</title>
        <style>body{font:15px sans-serif;max-width:40em;margin:3em auto} input{width:100%%;font:14px monospace}</style>
        </head><body>
        <h1>This job needs a Racetrack token</h1>
        <p>%s</p>
        <p>Paste your token (<code>racetrack get auth-token</code> prints it). PUB keeps it in a cookie of this
        browser that only calls to the job <b>%s</b> carry and that no page can read.</p>
        <form method="post" action="/pub/job/%s/_token">
        <input type="hidden" name="back" value="%s">
        <input name="token" type="password" autocomplete="off" autofocus placeholder="token">
        <p><button type="submit">Use this token</button></p></form>
        </body></html>
        """
        .formatted(
            escape(reason),
            escape(job),
            escape(URLEncoder.encode(job, StandardCharsets.UTF_8)),
            escape(pagePath));
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
