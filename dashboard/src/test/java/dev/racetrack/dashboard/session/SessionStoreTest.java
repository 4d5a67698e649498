package dev.racetrack.dashboard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionStoreTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private final SessionStore store = new SessionStore(clock, Duration.ofHours(1));

  @Test
  void login_replacesTheAnonymousSession_withNewIdAndCsrfToken() {
    Session anonymous = store.anonymous();
    Session logged = store.login(anonymous.id(), new Login("alice", "t", false));

    assertThat(logged.id()).isNotEqualTo(anonymous.id());
    assertThat(logged.csrf()).isNotEqualTo(anonymous.csrf());
    assertThat(store.find(anonymous.id())).isEmpty();
    assertThat(store.find(logged.id()).flatMap(Session::login).map(Login::username))
        .contains("alice");
  }

  @Test
  void find_afterTheLifetime_isEmpty() {
    Session session = store.login(store.anonymous().id(), new Login("alice", "t", false));
    now.set(now.get().plus(Duration.ofMinutes(59)));
    assertThat(store.find(session.id())).isPresent();
    now.set(now.get().plus(Duration.ofMinutes(1)));
    assertThat(store.find(session.id())).isEmpty();
  }

  @Test
  void csrfMatches_onlyTheSessionsOwnToken() {
    Session session = store.anonymous();
    assertThat(SessionStore.csrfMatches(session, session.csrf())).isTrue();
    assertThat(SessionStore.csrfMatches(session, store.anonymous().csrf())).isFalse();
    assertThat(SessionStore.csrfMatches(session, "")).isFalse();
  }

  @Test
  void toString_neverShowsTheToken() {
    assertThat(new Login("alice", "secret-token", true).toString()).doesNotContain("secret-token");
  }
}
