package tai.autonomics.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tai.autonomics.cluster.postgres.PostgresSettings;

/**
 * A private PostgreSQL server for the tests: Debian's binaries ({@code /usr/lib/postgresql/<v>/bin}), a fresh data
 * directory in a temp dir, a free loopback port, trust authentication on 127.0.0.1 only. Started once per JVM, stopped
 * and deleted at exit. Running as root, the server runs as the {@code postgres} OS user (PostgreSQL refuses root).
 * Without PostgreSQL installed the tests fail with a message that says how to install it; they are never skipped.
 */
public final class TestPostgres {
  private static TestPostgres instance;

  private final Path dataDir;
  private final Path bin;
  private final int port;
  private final boolean asPostgresUser;

  private TestPostgres(Path bin, Path dataDir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  public static synchronized TestPostgres get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "stop-test-postgres"));
    }
    return instance;
  }

  /** Settings for a fresh schema of its own, so test classes never see each other's receipts. */
  public PostgresSettings settings() {
    return new PostgresSettings("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "",
        "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16), 8, java.time.Duration.ofSeconds(10), 5);
  }

  public int port() {
    return port;
  }

  private static TestPostgres start() {
    Path bin = findBin();
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      Path base = Files.createTempDirectory("tai-pg-");
      Path dataDir = base.resolve("data");
      Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (root) {
        run(List.of("chown", "postgres:postgres", base.toString()), false);
      }
      int port = freePort();
      TestPostgres server = new TestPostgres(bin, dataDir, port, root);
      server.runAsServer(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
          "--auth=trust", "--encoding=UTF8", "--no-instructions"));
      server.runAsServer(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
          "-l", base.resolve("postgres.log").toString(), "-o",
          "-p " + port + " -c listen_addresses=127.0.0.1 -k " + base + " -c max_connections=200", "start"));
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
    }
  }

  private void stop() {
    try {
      runAsServer(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "stop"));
    } catch (RuntimeException e) {
      System.err.println("test PostgreSQL did not stop cleanly: " + e.getMessage());
    }
    try (Stream<Path> files = Files.walk(dataDir.getParent())) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("test PostgreSQL files not deleted: " + e.getMessage());
    }
  }

  private void runAsServer(List<String> command) {
    run(command, asPostgresUser);
  }

  private static void run(List<String> command, boolean asPostgresUser) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("'" + String.join(" ", full) + "' failed:\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + full + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + full, e);
    }
  }

  private static Path findBin() {
    Path versions = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(versions)) {
      try (Stream<Path> dirs = Files.list(versions)) {
        var found = dirs.map(dir -> dir.resolve("bin"))
            .filter(dir -> Files.isExecutable(dir.resolve("initdb")))
            .max(Comparator.comparingInt(dir -> Integer.parseInt(dir.getParent().getFileName().toString()
                .replaceAll("\\D", "0"))));
        if (found.isPresent()) {
          return found.get();
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + versions + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalStateException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the cluster "
        + "tests need a real server. Install Debian's package: apt-get install -y postgresql (.ci/run does this)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
