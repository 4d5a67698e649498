package dev.racetrack.model;

/** The JSON error body of every API: {@code {"error": ..., "type": ...}}. */
public record ErrorBody(String error, String type) {}
