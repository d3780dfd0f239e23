package org.scamgraph.neo4jlauncher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Starts an embedded Neo4j 5.26 Community DBMS with its Bolt connector on a
 * loopback address, so that the Go service and its tests can talk to a real
 * Neo4j without the packaged server (which Maven Central does not carry).
 *
 * Usage: Launcher DATA_DIR BOLT_ADDRESS [PAGECACHE]
 *
 * The process writes "READY" to DATA_DIR/ready once Bolt accepts connections
 * and shuts the DBMS down cleanly on SIGTERM, so a stop never needs recovery.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher DATA_DIR BOLT_ADDRESS [PAGECACHE]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String bolt = args[1];
        String pagecache = args.length > 2 ? args[2] : "256m";
        if (!bolt.startsWith("127.") && !bolt.startsWith("localhost")) {
            // Tests and CI may only listen on loopback; refuse anything else outright.
            System.err.println("refusing non-loopback bolt address " + bolt);
            System.exit(2);
        }
        Files.createDirectories(home);
        Files.createDirectories(home.resolve("import"));
        Path ready = home.resolve("ready");
        Files.deleteIfExists(ready);

        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("server.bolt.enabled", "true");
        cfg.put("server.bolt.listen_address", bolt);
        cfg.put("server.bolt.advertised_address", bolt);
        cfg.put("server.bolt.tls_level", "DISABLED");
        cfg.put("dbms.security.auth_enabled", "false");
        cfg.put("server.memory.pagecache.size", pagecache);
        cfg.put("db.memory.transaction.total.max", "1g");
        // Keep transaction logs small: this is a development and test server.
        cfg.put("db.tx_log.rotation.retention_policy", "2 files");
        cfg.put("server.directories.logs", home.resolve("logs").toString());
        // LOAD CSV reads file:/// URLs from here only; the ingest benchmark
        // puts its reference file here to compare with Neo4j's own loader.
        cfg.put("server.directories.import", home.resolve("import").toString());
        cfg.put("dbms.security.allow_csv_import_from_file_urls", "true");
        // Bolt's two Netty event loop groups each wait a 5 s quiet period on
        // shutdown, after the databases have already been checkpointed and
        // closed; 1 s cuts a clean shutdown (and so restart-neo4j) from ~11 s to ~3 s.
        cfg.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "1"); // seconds

        // The builder reads string settings only from a properties file, so the
        // settings are written to one beside the data and loaded from there.
        StringBuilder conf = new StringBuilder("# written by the ScamGraph launcher at every start\n");
        cfg.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
        Path confFile = home.resolve("neo4j.conf");
        Files.writeString(confFile, conf.toString());

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(confFile)
                .build();
        // Touch the default database so start-up failures surface now, not on first query.
        dbms.database("neo4j").executeTransactionally("RETURN 1");

        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            done.countDown();
        }, "neo4j-shutdown"));

        Files.writeString(ready, "READY " + bolt + "\n");
        System.out.println("neo4j 5.26 ready on bolt://" + bolt);
        System.out.flush();
        done.await();
    }
}
