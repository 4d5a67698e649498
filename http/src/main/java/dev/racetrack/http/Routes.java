package dev.racetrack.http;

/** One feature's endpoints. Implementations list their routes as method references. */
public interface Routes {

  /** Registers this feature's endpoints. */
  void register(RouteTable routes);
}
