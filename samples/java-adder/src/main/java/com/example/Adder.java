package com.example;

import java.util.List;
import java.util.Map;

/** A sample java job: adds numbers. */
public class Adder {

  /** Adds numbers. The JSON body {"numbers": [40, 2]} is bound to the parameter by its name. */
  public double perform(List<Double> numbers) {
    return numbers.stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Example input shown in the job's Swagger page. */
  public Map<String, Object> docsInputExample() {
    return Map.of("numbers", List.of(40, 2));
  }
}
