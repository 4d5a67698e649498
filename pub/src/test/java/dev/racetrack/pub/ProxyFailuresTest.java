package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ProxyFailuresTest {
  @Test
  void cause_connectException_isConnectionRefused() {
    assertThat(ProxyFailures.cause(new ConnectException("Connection refused")))
        .isEqualTo("connection refused to a target job (job may be dead)");
  }

  @Test
  void cause_wrappedConnectException_isConnectionRefused() {
    Throwable failure =
        new ExecutionException(new IOException("wrapper", new ConnectException("refused")));

    assertThat(ProxyFailures.cause(failure))
        .isEqualTo("connection refused to a target job (job may be dead)");
  }

  @Test
  void cause_eof_isConnectionBroken() {
    assertThat(ProxyFailures.cause(new EOFException("HttpConnectionOverHTTP@1")))
        .isEqualTo("connection broken to a target job (job may have died)");
  }

  @Test
  void cause_eofWithACause_isConnectionBroken() {
    EOFException eof = new EOFException("closed");
    eof.initCause(new IOException("reset by peer"));

    assertThat(ProxyFailures.cause(eof))
        .isEqualTo("connection broken to a target job (job may have died)");
  }

  @Test
  void cause_wrappedEof_isConnectionBroken() {
    assertThat(ProxyFailures.cause(new IOException("x", new EOFException())))
        .isEqualTo("connection broken to a target job (job may have died)");
  }

  @Test
  void cause_timeout_isTimedOut() {
    assertThat(ProxyFailures.cause(new TimeoutException("Idle timeout 90000 ms")))
        .isEqualTo("request to a job timed out");
    assertThat(ProxyFailures.cause(new IOException("x", new TimeoutException())))
        .isEqualTo("request to a job timed out");
  }

  @Test
  void cause_otherFailure_isItsRootMessage() {
    assertThat(ProxyFailures.cause(new IOException("outer", new IllegalStateException("inner"))))
        .isEqualTo("inner");
  }

  @Test
  void cause_otherFailureWithoutMessage_isItsClassName() {
    assertThat(ProxyFailures.cause(new IOException("outer", new IllegalStateException())))
        .isEqualTo("IllegalStateException");
  }

  @Test
  void cause_selfCausedFailure_doesNotLoop() {
    IOException failure = new IOException("loop");

    assertThat(ProxyFailures.cause(failure)).isEqualTo("loop");
  }
}
