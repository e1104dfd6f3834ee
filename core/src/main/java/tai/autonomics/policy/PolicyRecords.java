package tai.autonomics.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tai.autonomics.ledger.MessageKey;
import tai.autonomics.ledger.Receipt;
import tai.autonomics.ledger.ReceiptType;

/**
 * The {@code policy} records of the ledger: each pack version's canonical content ({@link PolicyCanonical}), written
 * once when a node first loads it (at start, and at a reload), so a decision naming {@code name@version} can be
 * replayed after {@code conf/} changed, as OPA keeps its bundle revisions. A record's message id is its version:
 * the ledger answers a draft whose message id it holds with the original, so a version is written once whatever
 * the number of restarts, reloads and nodes (in cluster mode the shared store does the same).
 */
public final class PolicyRecords {
  /**
   * The chain id of the policy records: {@code policies.} then {@code reserved} 32 times, 265 characters. No tenant
   * can have it: every decoder refuses a tenant_id longer than 256 characters, and the tenant routes answer 404 for
   * one (the dead letters' chain is the empty id, which no decoder accepts either). Not blank, unlike that one: a
   * chain's id is part of its transparency log's origin, and an origin has no spaces.
   */
  public static final String CHAIN = "policies." + "reserved".repeat(32);
  /** The {@code inputs} key that holds the canonical JSON. */
  public static final String PACK = "pack";

  private PolicyRecords() {}

  /** The draft of {@code pack}'s record. */
  public static Receipt draft(PolicyPack pack) {
    return Receipt.draft(ReceiptType.POLICY, CHAIN)
        .reason("policy_loaded")
        .policy(pack.reference())
        .messageId(pack.version())
        .inputs(Map.of(PACK, PolicyCanonical.json(pack)))
        .build();
  }

  /** One draft per version among {@code packs} (two SKUs may share a pack). */
  public static List<Receipt> drafts(PolicyPacks packs) {
    Map<String, Receipt> byVersion = new LinkedHashMap<>();
    packs.all().values().forEach(pack -> byVersion.putIfAbsent(pack.version(), draft(pack)));
    return new ArrayList<>(byVersion.values());
  }

  /** The key the record of {@code version} is found by (ReceiptStore.findByMessageId). */
  public static MessageKey key(String version) {
    return new MessageKey(CHAIN, null, version);
  }

  /**
   * The pack a record holds, as it reads: its version is computed from the content, so it differs from the one the
   * record names when the content was changed.
   *
   * @throws IllegalArgumentException when the receipt is no policy record or its content is no pack
   */
  public static PolicyPack read(Receipt record) {
    if (record.type() != ReceiptType.POLICY || record.inputs() == null || record.inputs().get(PACK) == null) {
      throw new IllegalArgumentException("receipt " + record.id() + " is not a policy record");
    }
    return PolicyCanonical.parse(record.inputs().get(PACK));
  }
}
