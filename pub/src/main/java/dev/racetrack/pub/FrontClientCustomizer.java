package dev.racetrack.pub;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Behind the event-loop front, requests reach the gateway from loopback: the front names the client
 * in {@value FrontServer#CLIENT_HEADER} ({@code ADDRESS PORT}), and this makes it the request's
 * remote address again (and removes the header, which the front always overwrites).
 */
final class FrontClientCustomizer implements HttpConfiguration.Customizer {
  private static final Pattern LITERAL =
      Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%\\w+)?");

  @Override
  public Request customize(Request request, HttpFields.Mutable responseHeaders) {
    String client = request.getHeaders().get(FrontServer.CLIENT_HEADER);
    if (client == null) {
      return request;
    }
    HttpFields headers =
        HttpFields.build(request.getHeaders()).remove(FrontServer.CLIENT_HEADER).asImmutable();
    SocketAddress remote = parse(client);
    return new Request.Wrapper(request) {
      @Override
      public HttpFields getHeaders() {
        return headers;
      }

      @Override
      public ConnectionMetaData getConnectionMetaData() {
        ConnectionMetaData original = super.getConnectionMetaData();
        return remote == null
            ? original
            : new ConnectionMetaData.Wrapper(original) {
              @Override
              public SocketAddress getRemoteSocketAddress() {
                return remote;
              }
            };
      }
    };
  }

  /** {@code ADDRESS PORT} with a literal address, else null (the loopback address stays). */
  static SocketAddress parse(String value) {
    int space = value.indexOf(' ');
    if (space <= 0) {
      return null;
    }
    String address = value.substring(0, space);
    if (!address.matches("[0-9A-Fa-f.:%a-zA-Z]+")
        || !(address.contains(".") || address.contains(":"))) {
      return null;
    }
    try {
      int port = Integer.parseInt(value.substring(space + 1));
      // a literal: no name lookup happens
      return new InetSocketAddress(InetAddress.getByName(address), port);
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
  }
}
