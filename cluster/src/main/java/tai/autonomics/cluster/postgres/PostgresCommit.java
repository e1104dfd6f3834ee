package tai.autonomics.cluster.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tai.autonomics.ledger.CommitHook;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptHasher;
import tai.autonomics.ledger.ReceiptStore.TenantHead;

/**
 * One group commit of {@link PostgresReceiptStore} as one transaction; see there for why each step is needed. The
 * order of the steps is the lock order of every writer: tenant heads (sorted), then the seq counter.
 */
final class PostgresCommit {

  private PostgresCommit() {}

  static List<Receipt> run(Connection connection, List<Receipt> batch, boolean sync, CommitHook hook)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET LOCAL synchronous_commit TO " + (sync ? "on" : "off"));
      }
      Map<MessageKey, Receipt> alreadyStored = storedByMessageId(connection, batch);
      Receipt[] result = new Receipt[batch.size()];
      List<Integer> toWrite = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Receipt receipt = batch.get(i);
        MessageKey messageId = MessageKey.of(receipt);
        Receipt original = messageId == null ? null : alreadyStored.get(messageId);
        if (original != null) {
          result[i] = original;
        } else {
          toWrite.add(i);
          if (messageId != null) {
            // a second draft for the same message in this batch gets the first one (set below once linked)
            alreadyStored.put(messageId, receipt);
          }
        }
      }
      if (!toWrite.isEmpty()) {
        Map<String, TenantHead> heads = lockHeads(connection, batch, toWrite);
        Set<String> existing = Set.copyOf(heads.keySet());
        long seq = reserveSeq(connection, toWrite.size());
        List<Receipt> linked = new ArrayList<>(toWrite.size());
        Map<String, Receipt> linkedByOldId = new HashMap<>();
        for (int i : toWrite) {
          Receipt receipt = batch.get(i);
          TenantHead head = heads.get(receipt.tenantId());
          Receipt stored = linkTo(receipt, ++seq, head == null ? Receipt.GENESIS_HASH : head.hash());
          heads.put(receipt.tenantId(), head == null ? TenantHead.first(stored) : head.advancedBy(stored));
          result[i] = stored;
          linked.add(stored);
          linkedByOldId.put(receipt.id(), stored);
        }
        for (int i = 0; i < result.length; i++) {
          // in-batch duplicates point at the draft they duplicate: give them its linked form
          Receipt linkedOriginal = linkedByOldId.get(result[i].id());
          if (linkedOriginal != null) {
            result[i] = linkedOriginal;
          }
        }
        insertReceipts(connection, linked);
        writeHeads(connection, heads, existing);
        // the tenants' trees, under the head locks taken above
        PostgresTlog.write(connection, hook.adding(linked, PostgresTlog.reader(connection)));
      }
      connection.commit();
      return List.of(result);
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** The receipt at {@code seq} after {@code prevHash}: itself when the Ledger guessed right, else re-hashed. */
  private static Receipt linkTo(Receipt receipt, long seq, String prevHash) {
    if (receipt.seq() == seq && prevHash.equals(receipt.prevHash())) {
      return receipt;
    }
    Receipt unhashed = receipt.sealed(receipt.id(), seq, prevHash, null);
    return unhashed.sealed(receipt.id(), seq, prevHash, ReceiptHasher.hash(unhashed));
  }

  /** The stored receipts with the batch's message keys (read by id, then matched on the whole key). */
  private static Map<MessageKey, Receipt> storedByMessageId(Connection connection, List<Receipt> batch)
      throws SQLException {
    List<String> messageIds = new ArrayList<>();
    for (Receipt receipt : batch) {
      if (receipt.messageId() != null) {
        messageIds.add(receipt.messageId());
      }
    }
    Map<MessageKey, Receipt> stored = new HashMap<>();
    if (messageIds.isEmpty()) {
      return stored;
    }
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT body FROM receipts WHERE message_id = ANY (?)")) {
      select.setArray(1, connection.createArrayOf("text", messageIds.toArray()));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Receipt receipt = PostgresReceiptStore.fromJson(rows.getString(1));
          stored.put(MessageKey.of(receipt), receipt);
        }
      }
    }
    return stored;
  }

  /** The stored heads of the batch's tenants, locked; a tenant new to the ledger has none. */
  private static Map<String, TenantHead> lockHeads(Connection connection, List<Receipt> batch,
      List<Integer> toWrite) throws SQLException {
    TreeSet<String> tenants = new TreeSet<>();
    for (int i : toWrite) {
      tenants.add(batch.get(i).tenantId());
    }
    Map<String, TenantHead> heads = new LinkedHashMap<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT tenant_id, seq, hash, governor_state, governor_reason, governor_since FROM tenant_heads "
            + "WHERE tenant_id = ANY (?) "
            + "ORDER BY tenant_id FOR UPDATE")) {
      select.setArray(1, connection.createArrayOf("text", tenants.toArray()));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          heads.put(rows.getString(1), new TenantHead(rows.getString(1), rows.getLong(2), rows.getString(3),
              rows.getString(4), rows.getString(5), rows.getObject(6, Long.class)));
        }
      }
    }
    return heads;
  }

  private static long reserveSeq(Connection connection, int count) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE ledger_seq SET last = last + ? WHERE id = 1 RETURNING last")) {
      update.setInt(1, count);
      try (ResultSet rows = update.executeQuery()) {
        if (!rows.next()) {
          throw new SQLException("the ledger_seq row is missing");
        }
        return rows.getLong(1) - count;
      }
    }
  }

  private static void insertReceipts(Connection connection, List<Receipt> receipts) throws SQLException {
    int n = receipts.size();
    Long[] seqs = new Long[n];
    String[] ids = new String[n];
    String[] tenants = new String[n];
    String[] types = new String[n];
    String[] messageIds = new String[n];
    String[] scopes = new String[n];
    String[] bodies = new String[n];
    for (int i = 0; i < n; i++) {
      Receipt receipt = receipts.get(i);
      seqs[i] = receipt.seq();
      ids[i] = receipt.id();
      tenants[i] = receipt.tenantId();
      types[i] = receipt.type().wireName();
      messageIds[i] = receipt.messageId();
      scopes[i] = receipt.messageId() == null ? "" : MessageKey.of(receipt).scope();
      bodies[i] = PostgresReceiptStore.toJson(receipt);
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO receipts (seq, id, tenant_id, type, message_id, message_scope, body) "
            + "SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])")) {
      insert.setArray(1, connection.createArrayOf("bigint", seqs));
      insert.setArray(2, connection.createArrayOf("text", ids));
      insert.setArray(3, connection.createArrayOf("text", tenants));
      insert.setArray(4, connection.createArrayOf("text", types));
      insert.setArray(5, connection.createArrayOf("text", messageIds));
      insert.setArray(6, connection.createArrayOf("text", scopes));
      insert.setArray(7, connection.createArrayOf("text", bodies));
      insert.executeUpdate();
    }
  }

  /**
   * Existing heads (locked above) are updated; new tenants are inserted without ON CONFLICT, so two nodes starting
   * the same tenant's chain at once cannot both win: the loser gets a unique violation and retries.
   */
  private static void writeHeads(Connection connection, Map<String, TenantHead> heads, Set<String> existing)
      throws SQLException {
    List<String> updated = new ArrayList<>();
    List<String> inserted = new ArrayList<>();
    heads.keySet().forEach(tenant -> (existing.contains(tenant) ? updated : inserted).add(tenant));
    if (!updated.isEmpty()) {
      execute(connection, "UPDATE tenant_heads h SET seq = u.seq, hash = u.hash, governor_state = u.state, "
          + "governor_reason = u.reason, governor_since = u.since "
          + "FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[]) "
          + "AS u(tenant_id, seq, hash, state, reason, since) WHERE h.tenant_id = u.tenant_id", heads, updated);
    }
    if (!inserted.isEmpty()) {
      execute(connection, "INSERT INTO tenant_heads (tenant_id, seq, hash, governor_state, governor_reason, "
          + "governor_since) SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], "
          + "?::bigint[])", heads, inserted);
    }
  }

  private static void execute(Connection connection, String sql, Map<String, TenantHead> heads,
      List<String> tenants) throws SQLException {
    int n = tenants.size();
    Long[] seqs = new Long[n];
    String[] hashes = new String[n];
    String[] states = new String[n];
    String[] reasons = new String[n];
    Long[] sinces = new Long[n];
    for (int i = 0; i < n; i++) {
      TenantHead head = heads.get(tenants.get(i));
      seqs[i] = head.seq();
      hashes[i] = head.hash();
      states[i] = head.governorState();
      reasons[i] = head.governorReason();
      sinces[i] = head.governorSince();
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      Array tenantArray = connection.createArrayOf("text", tenants.toArray());
      statement.setArray(1, tenantArray);
      statement.setArray(2, connection.createArrayOf("bigint", seqs));
      statement.setArray(3, connection.createArrayOf("text", hashes));
      statement.setArray(4, connection.createArrayOf("text", states));
      statement.setArray(5, connection.createArrayOf("text", reasons));
      statement.setArray(6, connection.createArrayOf("bigint", sinces));
      statement.executeUpdate();
    }
  }
}
