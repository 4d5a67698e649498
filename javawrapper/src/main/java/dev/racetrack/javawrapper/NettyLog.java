package dev.racetrack.javawrapper;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Netty's log lines written as the wrapper's own ({@link JobLog}, stderr): info, warnings and
 * errors; Netty's debug and trace lines are dropped, as under the JDK logger's default level.
 *
 * <p>Without it Netty looks for SLF4J and Log4J on the class path and then starts {@code
 * java.util.logging}: about a hundred JDK classes (the log manager, its configuration, streams)
 * loaded into every java job for lines that are almost never written.
 */
final class NettyLog extends InternalLoggerFactory {
  private NettyLog() {}

  /** Makes Netty log through {@link JobLog}; call before any Netty class is used. */
  static void install() {
    InternalLoggerFactory.setDefaultFactory(new NettyLog());
  }

  @Override
  protected InternalLogger newInstance(String name) {
    return new Logger(name);
  }

  /**
   * {@code format} with each {@code {}} replaced by the next argument, as Netty's SLF4J-style
   * messages expect; a {@link Throwable} left over after the placeholders is appended with its
   * stack trace.
   */
  static String render(String format, Object... arguments) {
    StringBuilder line = new StringBuilder(format.length() + 32);
    int next = 0;
    int from = 0;
    for (int at = format.indexOf("{}"); at >= 0 && next < arguments.length; ) {
      line.append(format, from, at).append(arguments[next++]);
      from = at + 2;
      at = format.indexOf("{}", from);
    }
    line.append(format, from, format.length());
    if (next < arguments.length && arguments[arguments.length - 1] instanceof Throwable error) {
      line.append(System.lineSeparator()).append(JobLog.stackTrace(error));
    }
    return line.toString();
  }

  private static final class Logger extends AbstractInternalLogger {
    private static final long serialVersionUID = 1L;

    Logger(String name) {
      super(name);
    }

    private void write(InternalLogLevel level, String format, Object... arguments) {
      line(level, render(format, arguments));
    }

    private void write(InternalLogLevel level, String msg, Throwable error) {
      line(level, msg + System.lineSeparator() + JobLog.stackTrace(error));
    }

    private void line(InternalLogLevel level, String text) {
      String message = "[" + name() + "] " + text;
      switch (level) {
        case INFO -> JobLog.info(message);
        case WARN -> JobLog.warn(message);
        case ERROR -> JobLog.severe(message);
        default -> {} // trace and debug are off
      }
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public void trace(String msg) {}

    @Override
    public void trace(String format, Object arg) {}

    @Override
    public void trace(String format, Object argA, Object argB) {}

    @Override
    public void trace(String format, Object... arguments) {}

    @Override
    public void trace(String msg, Throwable t) {}

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public void debug(String msg) {}

    @Override
    public void debug(String format, Object arg) {}

    @Override
    public void debug(String format, Object argA, Object argB) {}

    @Override
    public void debug(String format, Object... arguments) {}

    @Override
    public void debug(String msg, Throwable t) {}

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public void info(String msg) {
      write(InternalLogLevel.INFO, msg);
    }

    @Override
    public void info(String format, Object arg) {
      write(InternalLogLevel.INFO, format, arg);
    }

    @Override
    public void info(String format, Object argA, Object argB) {
      write(InternalLogLevel.INFO, format, argA, argB);
    }

    @Override
    public void info(String format, Object... arguments) {
      write(InternalLogLevel.INFO, format, arguments);
    }

    @Override
    public void info(String msg, Throwable t) {
      write(InternalLogLevel.INFO, msg, t);
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public void warn(String msg) {
      write(InternalLogLevel.WARN, msg);
    }

    @Override
    public void warn(String format, Object arg) {
      write(InternalLogLevel.WARN, format, arg);
    }

    @Override
    public void warn(String format, Object... arguments) {
      write(InternalLogLevel.WARN, format, arguments);
    }

    @Override
    public void warn(String format, Object argA, Object argB) {
      write(InternalLogLevel.WARN, format, argA, argB);
    }

    @Override
    public void warn(String msg, Throwable t) {
      write(InternalLogLevel.WARN, msg, t);
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public void error(String msg) {
      write(InternalLogLevel.ERROR, msg);
    }

    @Override
    public void error(String format, Object arg) {
      write(InternalLogLevel.ERROR, format, arg);
    }

    @Override
    public void error(String format, Object argA, Object argB) {
      write(InternalLogLevel.ERROR, format, argA, argB);
    }

    @Override
    public void error(String format, Object... arguments) {
      write(InternalLogLevel.ERROR, format, arguments);
    }

    @Override
    public void error(String msg, Throwable t) {
      write(InternalLogLevel.ERROR, msg, t);
    }
  }
}
