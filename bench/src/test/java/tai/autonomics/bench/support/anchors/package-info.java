/**
 * Anchors: the bare component under each case (raw RocksDB, an echo actor, a bare worker pool), run in the same JVM
 * in the same run at the same load, so every case prints measured / anchor and a reader can tell a good figure from
 * a poor one on the machine that produced it.
 */
package tai.autonomics.bench.support.anchors;
