package dev.racetrack.model.config;

/**
 * The base images of the job types the platform's wrappers serve: the variables that set them and
 * their defaults (the usual public images). The image builder builds job images on them; the Docker
 * target runs its relays on the python3 one.
 */
public final class BaseImages {
  /** The variable naming the python3 job type's base image. */
  public static final String PYTHON3_VARIABLE = "PYTHON3_BASE_IMAGE";

  /** The variable naming the java job type's base image. */
  public static final String JAVA_VARIABLE = "JAVA_BASE_IMAGE";

  /** The python3 job type's base image when {@value #PYTHON3_VARIABLE} is not set. */
  public static final String DEFAULT_PYTHON3 = "python:3.11-slim-bookworm";

  /** The java job type's base image when {@value #JAVA_VARIABLE} is not set. */
  public static final String DEFAULT_JAVA = "eclipse-temurin:21-jre";

  private BaseImages() {}
}
