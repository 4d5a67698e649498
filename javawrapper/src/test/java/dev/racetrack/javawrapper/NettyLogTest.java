package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NettyLogTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream stderr;
  private InternalLoggerFactory before;

  @BeforeEach
  void captureStderr() {
    stderr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    before = InternalLoggerFactory.getDefaultFactory();
    NettyLog.install();
  }

  @AfterEach
  void restore() {
    System.setErr(stderr);
    InternalLoggerFactory.setDefaultFactory(before);
  }

  private String written() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void render_fillsPlaceholdersInOrder_andLeavesExtraOnesAlone() {
    assertThat(NettyLog.render("a {} b {} c", 1, "two")).isEqualTo("a 1 b two c");
    assertThat(NettyLog.render("a {} b {}", 1)).isEqualTo("a 1 b {}");
    assertThat(NettyLog.render("no placeholder", 1)).isEqualTo("no placeholder");
    assertThat(NettyLog.render("{}{}", null, "x")).isEqualTo("nullx");
  }

  @Test
  void render_appendsALeftOverThrowable_withItsStackTrace() {
    String line = NettyLog.render("failed {}", "here", new IllegalStateException("boom"));
    assertThat(line)
        .startsWith("failed here" + System.lineSeparator())
        .contains("java.lang.IllegalStateException: boom")
        .contains("at dev.racetrack.javawrapper.NettyLogTest");
  }

  @Test
  void nettyLoggers_writeInfoWarnAndError_asWrapperLines_andDropDebugAndTrace() {
    InternalLogger logger = InternalLoggerFactory.getInstance("io.netty.test.Thing");
    assertThat(logger.isDebugEnabled()).isFalse();
    assertThat(logger.isTraceEnabled()).isFalse();
    assertThat(logger.isInfoEnabled()).isTrue();

    logger.debug("debug {}", 1);
    logger.trace("trace {}", 2);
    logger.info("info {} and {}", "a", "b");
    logger.warn("warned", new IllegalArgumentException("bad"));
    logger.error("error {}", 3, 4, 5);

    String out = written();
    assertThat(out).doesNotContain("debug 1").doesNotContain("trace 2");
    assertThat(out).contains("INFO [javawrapper] [io.netty.test.Thing] info a and b");
    assertThat(out)
        .contains("WARN [javawrapper] [io.netty.test.Thing] warned")
        .contains("java.lang.IllegalArgumentException: bad");
    assertThat(out).contains("ERROR [javawrapper] [io.netty.test.Thing] error 3");
  }

  @Test
  void aMessageWithAThrowable_isTakenLiterally() {
    InternalLogger logger = InternalLoggerFactory.getInstance("io.netty.test.Other");
    logger.warn("literal {} stays", new IllegalStateException("why"));
    assertThat(written())
        .contains("[io.netty.test.Other] literal {} stays")
        .contains("java.lang.IllegalStateException: why");
  }
}
