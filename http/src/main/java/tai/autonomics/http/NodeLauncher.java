package tai.autonomics.http;

import com.typesafe.config.Config;
import java.util.concurrent.CompletionException;
import tai.autonomics.ledger.ReceiptStore;
import tai.autonomics.node.NodeConfig;
import tai.autonomics.node.NodeSettings;
import tai.autonomics.node.Topology;
import tai.autonomics.policy.PolicyPacks;
import tai.autonomics.procurement.ProcurementSettings;

/**
 * How a node process starts, a single node ({@code node.jar}) and a cluster node ({@code cluster-node.jar}) alike:
 * it reads the configuration (embedded defaults, {@code -Dconfig.file=...}, environment overrides), checks it, opens
 * the receipt store and starts the node. What fails ends the process with a clear message and its exit code:
 * {@link #INVALID_CONFIGURATION}, {@link #STORE_UNAVAILABLE}, {@link #NOT_STARTED}.
 */
public final class NodeLauncher {
  public static final int INVALID_CONFIGURATION = 2;
  public static final int STORE_UNAVAILABLE = 3;
  /** The node did not start, most often because its port could not be bound. */
  public static final int NOT_STARTED = 4;

  private NodeLauncher() {}

  /** What a kind of node adds to the common start: its own checks, its store, where its tenants' actors live. */
  public interface Mode {
    /** Throws when the configuration does not suit this kind of node; the message says what to change. */
    void check(Config config, NodeSettings settings);

    /** Opens the receipt store; the exception's message says which store, where, and why not. */
    ReceiptStore openStore(Config config, NodeSettings settings);

    Topology topology();
  }

  /** One node on its own: the store configured under {@code autonomics.ledger}, every actor local. */
  public static final Mode SINGLE = new Mode() {
    @Override
    public void check(Config config, NodeSettings settings) {}

    @Override
    public ReceiptStore openStore(Config config, NodeSettings settings) {
      try {
        return ReceiptStore.open(settings.ledger());
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot open the receipt store (" + settings.ledger().store() + " at "
            + settings.ledger().dataDir().toAbsolutePath() + "): " + e.getMessage(), e);
      }
    }

    @Override
    public Topology topology() {
      return Topology.local();
    }
  };

  public static void launch(Mode mode) {
    Config config = NodeConfig.load();
    NodeSettings settings;
    PolicyPacks packs;
    try {
      settings = NodeSettings.create(config);
      packs = PolicyPacks.create(config);
      HttpSettings.create(config);
      ProcurementSettings.create(config);
      SignupSettings.create(config);
      mode.check(config, settings);
    } catch (RuntimeException e) {
      exit(INVALID_CONFIGURATION, "invalid configuration: " + e.getMessage());
      return;
    }
    ReceiptStore store;
    try {
      store = mode.openStore(config, settings);
    } catch (RuntimeException e) {
      exit(STORE_UNAVAILABLE, e.getMessage());
      return;
    }
    try {
      // the main thread is no dispatcher thread: waiting here for the binding blocks nothing else
      Main.startNode(config, settings, packs, store, mode.topology()).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      exit(NOT_STARTED, "node did not start: " + cause.getMessage());
    } catch (IllegalStateException e) {
      // the log key could not be loaded or created (a file others can read, a directory not writable), or the
      // shared ledger is signed with another key
      store.close();
      exit(NOT_STARTED, "node did not start: " + e.getMessage());
    }
  }

  private static void exit(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
