package tai.autonomics.node;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;

/**
 * The one way a message waits in this runtime: in the actor's own Pekko {@link StashBuffer}, whose capacity comes
 * from configuration. A message the full buffer cannot keep is refused at once, so its sender hears "overloaded"
 * instead of timing out.
 */
public final class Stash {
  private Stash() {}

  /** Stashes {@code message}, or hands it to {@code refuse} when the buffer is full. */
  public static <T> void stashOrRefuse(StashBuffer<T> stash, T message, Consumer<? super T> refuse) {
    if (stash.isFull()) {
      refuse.accept(message);
    } else {
      stash.stash(message);
    }
  }
}
