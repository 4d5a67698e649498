package dev.racetrack.testsupport.graphfixture.clean.a;

import dev.racetrack.testsupport.graphfixture.clean.b.B;

public final class A {
  public B b() {
    return new B();
  }
}
