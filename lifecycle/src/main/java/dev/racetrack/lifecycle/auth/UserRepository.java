package dev.racetrack.lifecycle.auth;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code auth_user}. */
public final class UserRepository {
  private final Jdbi jdbi;

  public UserRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Optional<User> find(String username) {
    return jdbi.withHandle(h -> find(h, username));
  }

  public Optional<User> find(Handle h, String username) {
    return h.createQuery(
            "SELECT id, username, email, password, is_active, is_staff, is_superuser FROM auth_user WHERE username = :u")
        .bind("u", username)
        .map(
            (rs, ctx) ->
                new User(
                    rs.getInt("id"),
                    rs.getString("username"),
                    rs.getString("email"),
                    rs.getString("password"),
                    rs.getBoolean("is_active"),
                    rs.getBoolean("is_staff"),
                    rs.getBoolean("is_superuser")))
        .findOne();
  }

  /** Inserts a user and returns its id. */
  public int insert(
      Handle h, String username, String email, String passwordHash, boolean active, boolean staff) {
    return h.createUpdate(
            """
            INSERT INTO auth_user (username, email, password, is_active, is_staff, is_superuser)
            VALUES (:username, :email, :password, :active, :staff, :staff)
            """)
        .bind("username", username)
        .bind("email", email)
        .bind("password", passwordHash)
        .bind("active", active)
        .bind("staff", staff)
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Integer.class)
        .one();
  }

  public void recordLogin(String username) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE auth_user SET last_login = now() WHERE username = :u")
                .bind("u", username)
                .execute());
  }

  /** A user as staff see it in listings. */
  public record UserView(
      String username,
      String email,
      boolean isActive,
      boolean isStaff,
      boolean isSuperuser,
      long dateJoined,
      Long lastLogin) {}

  public List<UserView> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT username, email, is_active, is_staff, is_superuser, date_joined, last_login"
                        + " FROM auth_user ORDER BY username")
                .map(
                    (rs, ctx) ->
                        new UserView(
                            rs.getString("username"),
                            rs.getString("email"),
                            rs.getBoolean("is_active"),
                            rs.getBoolean("is_staff"),
                            rs.getBoolean("is_superuser"),
                            rs.getTimestamp("date_joined").toInstant().getEpochSecond(),
                            rs.getTimestamp("last_login") == null
                                ? null
                                : rs.getTimestamp("last_login").toInstant().getEpochSecond()))
                .list());
  }

  public void setPassword(Handle h, String username, String passwordHash) {
    h.createUpdate("UPDATE auth_user SET password = :p WHERE username = :u")
        .bind("p", passwordHash)
        .bind("u", username)
        .execute();
  }

  public void setActive(Handle h, String username, boolean active) {
    h.createUpdate("UPDATE auth_user SET is_active = :a WHERE username = :u")
        .bind("a", active)
        .bind("u", username)
        .execute();
  }

  public void setStaff(Handle h, String username, boolean staff) {
    h.createUpdate("UPDATE auth_user SET is_staff = :s, is_superuser = :s WHERE username = :u")
        .bind("s", staff)
        .bind("u", username)
        .execute();
  }

  public long count() {

    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM auth_user").mapTo(Long.class).one());
  }
}
