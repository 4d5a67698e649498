package dev.racetrack.testsupport.graphfixture.cycle.a;

import dev.racetrack.testsupport.graphfixture.cycle.b.B;

public final class A {
  public B b() {
    return new B();
  }
}
