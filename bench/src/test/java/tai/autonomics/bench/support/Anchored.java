package tai.autonomics.bench.support;

import tai.autonomics.bench.CaseResult;
import tai.autonomics.bench.load.LoadResult;

/**
 * Records a case's load beside the same load on the bare pekko-http server (same client, same concurrency or rate,
 * same bodies, in the same run): throughput, p50 and p99 as measured / anchor, and the anchor's own load as a part.
 */
public final class Anchored {
  public static final String GET = "bare pekko-http GET";
  public static final String POST = "bare pekko-http POST, same body";
  public static final String MIX = "bare pekko-http, same mix";

  private Anchored() {}

  public static void record(CaseResult result, String anchor, LoadResult measured, LoadResult bare) {
    result.anchor(anchor, "throughput", measured.throughput(), bare.throughput())
        .anchor(anchor, "p50_us", measured.percentileMicros(50), bare.percentileMicros(50))
        .anchor(anchor, "p99_us", measured.percentileMicros(99), bare.percentileMicros(99))
        .part(bare);
    System.out.printf("      %s vs %s: throughput %.0f / %.0f = %.2f, p50 %.0f / %.0f us = %.2f%n", measured.label(),
        anchor, measured.throughput(), bare.throughput(), ratio(measured.throughput(), bare.throughput()),
        measured.percentileMicros(50), bare.percentileMicros(50),
        ratio(measured.percentileMicros(50), bare.percentileMicros(50)));
  }

  static double ratio(double measured, double anchor) {
    return anchor == 0 ? Double.NaN : measured / anchor;
  }
}
