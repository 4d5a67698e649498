package dev.racetrack.dashboard.web;

import io.javalin.config.RoutesConfig;

/** One feature's pages, registered under {@link Web#BASE}. */
public interface PageRoutes {
  void register(RoutesConfig routes);
}
