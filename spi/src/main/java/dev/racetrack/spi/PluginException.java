package dev.racetrack.spi;

import dev.racetrack.model.error.RacetrackException;

/** A plugin failed: it threw, did not answer in time or could not be loaded. Names the plugin. */
public class PluginException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public PluginException(String message) {
    super(message);
  }

  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 502;
  }
}
