package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finding where bodies end, whatever pieces their bytes arrive in. */
class FramingTest {
  private static final String CHUNKED =
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\nNEXT REQUEST";

  /** Feeds {@code text} in pieces of {@code piece} bytes; returns the bytes that were the body. */
  private static int consumeInPieces(Framing framing, String text, int piece) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    int consumed = 0;
    for (int from = 0; from < bytes.length && !framing.done(); from += piece) {
      int to = Math.min(bytes.length, from + piece);
      int n = framing.consume(bytes, from, to);
      consumed += n;
      if (n < to - from) {
        break;
      }
    }
    return consumed;
  }

  @ParameterizedTest(name = "pieces of {0}")
  @ValueSource(ints = {1, 2, 3, 7, 1000})
  void chunked_endsAfterTheTrailers_inAnyPieces(int piece) throws IOException {
    Framing framing = Framing.chunked();

    int consumed = consumeInPieces(framing, CHUNKED, piece);

    assertThat(framing.done()).isTrue();
    assertThat(CHUNKED.substring(consumed)).isEqualTo("NEXT REQUEST");
  }

  @Test
  void chunked_withoutTrailers() throws IOException {
    Framing framing = Framing.chunked();
    String text = "a\r\n0123456789\r\n0\r\n\r\nrest";

    assertThat(consumeInPieces(framing, text, 4)).isEqualTo(text.length() - 4);
    assertThat(framing.done()).isTrue();
  }

  @Test
  void chunked_invalidInput_isRefused() {
    assertThatThrownBy(() -> consumeInPieces(Framing.chunked(), "zz\r\n", 10))
        .hasMessage("invalid chunk size");
    assertThatThrownBy(() -> consumeInPieces(Framing.chunked(), "\r\n", 10))
        .hasMessage("missing chunk size");
    assertThatThrownBy(() -> consumeInPieces(Framing.chunked(), "2\r\nabX\r\n", 10))
        .hasMessage("invalid chunked body");
    assertThatThrownBy(() -> consumeInPieces(Framing.chunked(), "1".repeat(5000), 10))
        .isInstanceOf(IOException.class);
  }

  @Test
  void length_takesExactlyThatMany() throws IOException {
    Framing framing = Framing.length(5);
    byte[] bytes = "helloGET /".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(framing.consume(bytes, 0, 3)).isEqualTo(3);
    assertThat(framing.remaining()).isEqualTo(2);
    assertThat(framing.consume(bytes, 3, bytes.length)).isEqualTo(2);
    assertThat(framing.done()).isTrue();
    assertThat(Framing.length(0).done()).isTrue();
  }

  @Test
  void untilClose_takesEverything_andIsNeverDone() throws IOException {
    Framing framing = Framing.untilClose();
    byte[] bytes = new byte[100];

    assertThat(framing.consume(bytes, 10, 100)).isEqualTo(90);
    assertThat(framing.done()).isFalse();
  }
}
