package dev.racetrack.testsupport.graphfixture.cycle.b;

import dev.racetrack.testsupport.graphfixture.cycle.a.A;

public final class B {
  public A a() {
    return new A();
  }
}
