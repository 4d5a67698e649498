package dev.racetrack.testsupport.graphfixture.foreign;

import dev.racetrack.model.Json;

public final class UsesModel {
  public String write(Object value) {
    return Json.write(value);
  }
}
