package tai.autonomics;

/**
 * Marker for every message that may cross the network in cluster mode. Pekko's Jackson CBOR serializer is bound to
 * it in reference.conf, so a message type opts in by implementing it.
 */
public interface CborSerializable {}
