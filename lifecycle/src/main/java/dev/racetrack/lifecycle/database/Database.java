package dev.racetrack.lifecycle.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry database: a connection pool, Jdbi on top, and the schema migrated by Flyway. */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource pool;
  private final Jdbi jdbi;

  private Database(HikariDataSource pool) {
    this.pool = pool;
    this.jdbi = Jdbi.create(pool);
  }

  /** Connects, creates the schema if needed and applies pending migrations. */
  public static Database open(JdbcTarget target, int maxPoolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(target.url());
    config.setUsername(target.user());
    config.setPassword(target.password());
    config.setSchema(target.schema());
    config.setMaximumPoolSize(maxPoolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    config.setMaxLifetime(Duration.ofMinutes(10).toMillis());
    config.setIdleTimeout(Duration.ofMinutes(1).toMillis());
    config.setPoolName("racetrack-db");
    config.setInitializationFailTimeout(Duration.ofSeconds(30).toMillis());
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(pool)
          .schemas(target.schema())
          .createSchemas(true)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    LOG.info("database ready: {}", target);
    return new Database(pool);
  }

  /** Gauges of the connection pool and the database's reachability (§6.6 names). */
  public void registerMetrics(MeterRegistry metrics) {
    Gauge.builder("lifecycle_database_connected", this, d -> d.isConnected() ? 1 : 0)
        .register(metrics);
    Gauge.builder(
            "lifecycle_database_pool_size",
            pool,
            p -> p.getHikariPoolMXBean().getTotalConnections())
        .register(metrics);
    Gauge.builder(
            "lifecycle_database_pool_available",
            pool,
            p -> p.getHikariPoolMXBean().getIdleConnections())
        .register(metrics);
    Gauge.builder(
            "lifecycle_database_requests_waiting",
            pool,
            p -> p.getHikariPoolMXBean().getThreadsAwaitingConnection())
        .register(metrics);
    // platform threads of the JVM (the request handlers are virtual threads and not counted)
    Gauge.builder(
            "lifecycle_active_threads_count",
            ManagementFactory.getThreadMXBean(),
            ThreadMXBean::getThreadCount)
        .register(metrics);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** True when a connection can be obtained and used right now. */
  public boolean isConnected() {
    try {
      return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
