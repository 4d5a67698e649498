package dev.racetrack.testsupport.graphfixture.clean.b;

public final class B {}
